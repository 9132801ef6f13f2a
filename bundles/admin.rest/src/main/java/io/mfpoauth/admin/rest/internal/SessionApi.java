package io.mfpoauth.admin.rest.internal;

import java.io.IOException;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Signing in and out of the web page ({@code /session}), and the password ({@code /admin/password}).
 */
final class SessionApi {
    /** A user name and a password or two fit in far less; nobody needs more before signing in. */
    static final long PASSWORD_BODY_LIMIT = 1024;

    private final AdminSecurity security;
    private final SignInGate gate = new SignInGate(SignInGate.MAX_IN_PROGRESS);

    SessionApi(AdminSecurity security) {
        this.security = security;
    }

    void routes(Router<Handler> router) {
        router.addOpen("POST", "/session", gate.around(this::signIn))
                .add("GET", "/session", this::current)
                .add("DELETE", "/session", this::signOut)
                .add("PUT", "/admin/password", gate.around(this::changePassword));
    }

    /** {@code {"user","password"}} → {@code 200 {"user":"admin","csrfToken"}} and the session cookie. */
    private Reply signIn(Call call) throws ApiException, IOException {
        ObjectNode body = call.json(PASSWORD_BODY_LIMIT);
        String user = Json.text(body, "user");
        String password = Json.text(body, "password");
        if (user == null) {
            throw ApiException.badRequest("user", "is required");
        }
        if (password == null) {
            throw ApiException.badRequest("password", "is required");
        }
        Sessions.Session session = security.login(call.credentials(), user, password);
        return Reply.ok(sessionBody(session))
                .header("Set-Cookie", AdminSecurity.cookie(session, call.credentials().secure()));
    }

    /** The same body as the sign-in while the cookie is valid (HTTP Basic: no session, so no CSRF token). */
    private Reply current(Call call) {
        return Reply.ok(sessionBody(call.admin().session()));
    }

    private Reply signOut(Call call) {
        security.logout(call.admin());
        return Reply.noContent().header("Set-Cookie", AdminSecurity.expiredCookie(call.credentials().secure()));
    }

    /** {@code {"current","new"}} → 204. */
    private Reply changePassword(Call call) throws ApiException, IOException {
        ObjectNode body = call.json(PASSWORD_BODY_LIMIT);
        security.changePassword(call.credentials(), call.admin(), Json.text(body, "current"), Json.text(body, "new"));
        return Reply.noContent();
    }

    private static ObjectNode sessionBody(Sessions.Session session) {
        ObjectNode node = Json.object();
        node.put("user", AdminAccount.USER);
        if (session != null) {
            node.put("csrfToken", session.csrfToken());
        }
        return node;
    }
}
