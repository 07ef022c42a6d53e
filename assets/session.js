/* perfdash: what the server answers a Dash request outside Dash's own error path.
   - 401 from the sign-in gate: the session has ended (signed out elsewhere, expired, user
     removed); send the browser to the sign-in page instead of leaving a page whose buttons
     silently do nothing.
   - 400/413 with a JSON {"error": ...} from the request limits (web/limits.py, a file over
     PERFDASH_MAX_UPLOAD_MB, a request too deep): show the message in the page's error banner,
     with the request id, so the user learns why nothing happened. */
(function () {
    var original = window.fetch;
    if (!original) { return; }
    function showRefusal(response) {
        response.clone().json().then(function (body) {
            var clientside = window.dash_clientside;
            if (!body || !body.error || !clientside || !clientside.set_props) { return; }
            var text = body.error + (body.request_id ? ' (request id ' + body.request_id + ')' : '');
            clientside.set_props('page-error', {children: text, is_open: true});
        }).catch(function () { /* not JSON: nothing to show */ });
    }
    window.fetch = function () {
        return original.apply(this, arguments).then(function (response) {
            if (response.url.indexOf('/_dash-') === -1) { return response; }
            if (response.status === 401) {
                var here = window.location.pathname + window.location.search;
                window.location.assign('/login?next=' + encodeURIComponent(here));
            } else if (response.status === 400 || response.status === 413) {
                showRefusal(response);
            }
            return response;
        });
    };
})();
