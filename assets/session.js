/* perfdash: when the session has ended (signed out elsewhere, expired, user removed), Dash's
   requests get 401 from the login gate; send the browser to the sign-in page instead of
   leaving a page whose buttons silently do nothing. */
(function () {
    var original = window.fetch;
    if (!original) { return; }
    window.fetch = function () {
        return original.apply(this, arguments).then(function (response) {
            if (response.status === 401 && response.url.indexOf('/_dash-') !== -1) {
                var here = window.location.pathname + window.location.search;
                window.location.assign('/login?next=' + encodeURIComponent(here));
            }
            return response;
        });
    };
})();
