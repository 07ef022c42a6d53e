/* perfdash: a share link's page (/share/<token>) sends its token with every request the Dash
   renderer makes, in the X-Perfdash-Share header, so the link works without a cookie: in a
   fresh browser and inside another site's frame.  ?embed=1 at load is sent as X-Perfdash-Embed
   (the page without navigation).  The server (perfdash/web/shares.py) decides what the link
   may reach; this only carries it. */
(function () {
    var prefix = '/share/';
    var path = window.location.pathname;
    if (path.indexOf(prefix) !== 0 || !window.fetch) { return; }
    var token = path.slice(prefix.length);
    var embed = /(^|[?&])embed=1(&|$)/.test(window.location.search) ? '1' : '';
    var original = window.fetch;
    window.fetch = function (input, init) {
        var url = typeof input === 'string' ? input : (input && input.url) || '';
        var same = url.indexOf('/') === 0 || url.indexOf(window.location.origin + '/') === 0;
        if (!same) { return original.apply(this, arguments); }
        init = init || {};
        var headers = new Headers(init.headers || (typeof input === 'string' ? {} : input.headers));
        headers.set('X-Perfdash-Share', token);
        if (embed) { headers.set('X-Perfdash-Embed', embed); }
        init.headers = headers;
        return original.call(this, input, init);
    };
})();
