/* perfdash: what the server answers a Dash request outside Dash's own error path.
   - 503 (the database went away: from the sign-in gate, which cannot read the session, or
     from a callback; or it has no perfdash tables, when the server's words say what to run) and 401 (the session ended: signed out elsewhere, expired, user removed):
     the outage banner says so and since when the numbers on the page are stale, and the page
     is greyed.  A later callback answered while /healthz says the database is back clears it.
   - 400/413 with a JSON {"error": ...} from the request checks (web/limits.py, ui/inputs.py):
     the message goes beside the refused field when the answer names one ("field") and the page
     has a place for it (an element "<field>-error"), to the page's error banner otherwise,
     with the request id. */
(function () {
    var original = window.fetch;
    if (!original) { return; }
    var lastGood = new Date();  // when the page last got an answer: its numbers are from then
    var stale = false;

    function setProps(id, props) {
        var clientside = window.dash_clientside;
        if (clientside && clientside.set_props) { clientside.set_props(id, props); }
    }
    function clock(when) {
        return when.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
    }
    function showOutage(status, serverWords) {
        var since = 'the numbers shown are from ' + clock(lastGood);
        var children;
        if (status === 401) {
            var here = window.location.pathname + window.location.search;
            children = ['Your session has ended \u2014 ' + since + '. ', {
                namespace: 'dash_html_components', type: 'A',
                props: {children: 'Sign in again', href: '/login?next=' + encodeURIComponent(here),
                        id: 'page-outage-login', className: 'alert-link'}
            }];
        } else if (status === 503 && serverWords) {
            children = serverWords;  // what to run; no numbers can be read until then
        } else if (status === 503) {
            children = 'Database unavailable \u2014 ' + since + '. They update when it answers again.';
        } else {
            children = 'The server does not answer \u2014 ' + since + '.';
        }
        stale = true;
        document.body.classList.add('perfdash-stale');
        setProps('page-outage', {children: children, is_open: true});
    }
    function answered() {
        if (!stale) { lastGood = new Date(); return; }
        // a callback that needs no database answers even while it is down: ask /healthz
        original.call(window, '/healthz', {cache: 'no-store'}).then(function (health) {
            if (!health.ok || !stale) { return; }
            stale = false;
            lastGood = new Date();
            document.body.classList.remove('perfdash-stale');
            setProps('page-outage', {is_open: false});
        }).catch(function () { /* still down */ });
    }
    function showRefusal(response) {
        response.clone().json().then(function (body) {
            if (!body || !body.error) { return; }
            // a refused field's words go beside it, where the form shows its own messages
            var feedback = body.field ? body.field + '-error' : null;
            if (feedback && document.getElementById(feedback)) {
                setProps(feedback, {children: body.error});
                return;
            }
            var text = body.error + (body.request_id ? ' (request id ' + body.request_id + ')' : '');
            setProps('page-error', {children: text, is_open: true});
        }).catch(function () { /* not JSON: nothing to show */ });
    }
    window.fetch = function (resource) {
        var url = typeof resource === 'string' ? resource : (resource && resource.url) || '';
        var callback = url.indexOf('/_dash-update-component') !== -1;
        return original.apply(this, arguments).then(function (response) {
            if (response.url.indexOf('/_dash-update-component') === -1) { return response; }
            if (response.status === 503) {
                // the database has no perfdash tables: the server's words name the cure
                response.clone().json().then(function (body) {
                    var words = body && body.reason === 'not-upgraded' ? body.error : null;
                    showOutage(503, words);
                }).catch(function () { showOutage(503); });
            } else if (response.status === 401) {
                showOutage(response.status);
            } else if (response.status === 400 || response.status === 413) {
                showRefusal(response);
            } else if (response.ok) {
                answered();
            }
            return response;
        }, function (error) {
            if (callback) { showOutage(0); }  // no answer at all: the server is unreachable
            throw error;
        });
    };
})();
