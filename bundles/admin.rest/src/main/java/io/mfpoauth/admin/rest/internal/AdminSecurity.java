package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Who may call the API: the administrator, by HTTP Basic (scripts) or by a session cookie with its CSRF token (the
 * web page). Holds the account, the sessions (in memory: they end when the bundle stops) and the password throttle,
 * and is shared by the API and the event stream servlets.
 */
@Component(service = AdminSecurity.class, configurationPid = AdminSecurity.PID)
@Designate(ocd = AdminRestConfig.class)
public final class AdminSecurity {
    static final String PID = "io.mfpoauth.admin.rest";
    static final String COOKIE = "mfp_session";
    private static final String REALM = "Basic realm=\"mfp-oauth\", charset=\"UTF-8\"";

    /** The administrator, signed in by a session (then {@code session} is it) or by HTTP Basic ({@code null}). */
    record Admin(Sessions.Session session) {
    }

    private final AdminAccount account;
    private final Sessions sessions;
    private final LoginThrottle throttle = new LoginThrottle();
    private final LongSupplier nanoClock;
    /** Told when sessions end before their time (the event streams of those sessions then end at once). */
    private final List<Runnable> sessionsEnded = new CopyOnWriteArrayList<>();

    @Activate
    public AdminSecurity(AdminRestConfig config, BundleContext context,
            @Reference(service = LoggerFactory.class) Logger logger) throws IOException {
        this(new AdminAccount(DataFolder.admin(context).resolve("account"), new SecureRandom(), PasswordHash.ITERATIONS,
                System::nanoTime, AdminSecurity::firstStartThread), config.sessionIdleMinutes(), config.maxSessions(),
                System::nanoTime);
        switch (account.load(System::getenv, System.out::println)) {
            case GENERATED -> logger.warn("No administrator account yet: generated a password for user admin and "
                    + "printed it once on the console");
            case FROM_ENVIRONMENT -> logger.info("Administrator account made with the password from "
                    + AdminAccount.ENVIRONMENT_VARIABLE);
            case UNREADABLE -> logger.error("The administrator account " + DataFolder.admin(context).resolve("account")
                    + " cannot be read: every sign-in is refused until it is deleted and the firmware restarted");
            case LOADED -> logger.debug("Administrator account read");
        }
        account.made().whenComplete((done, failure) -> {
            if (failure != null) {
                logger.error("The administrator account could not be stored: every sign-in is refused until the"
                        + " firmware is restarted (" + failure.getClass().getSimpleName() + ")");
            }
        });
    }

    /** The first start's hashing, once, on a thread that ends with it. */
    private static void firstStartThread(Runnable hashing) {
        Thread thread = new Thread(hashing, "mfp-oauth admin account");
        thread.setDaemon(true);
        thread.start();
    }

    /** For tests: an account already loaded, and a clock. */
    AdminSecurity(AdminAccount account, int sessionIdleMinutes, int maxSessions, LongSupplier nanoClock) {
        this.account = account;
        this.sessions = new Sessions(new SecureRandom(), TimeUnit.MINUTES.toNanos(sessionIdleMinutes), maxSessions);
        this.nanoClock = nanoClock;
    }

    /** Signs everybody out: sessions live only as long as the component. */
    @Deactivate
    void deactivate() {
        sessions.endAllBut(null);
    }

    /**
     * The administrator behind a request, or the refusal: 401 without valid credentials, 403 for a Basic request a
     * browser sent from another site or a changing session request without its CSRF token, 429 while the client's
     * address must wait after wrong passwords.
     */
    Admin authenticate(Credentials request) throws ApiException {
        String authorization = request.authorization();
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (request.crossSite()) {
                throw ApiException.of(403, "forbidden", "HTTP Basic is not accepted from another site");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw unauthorized(request);
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw unauthorized(request);
            }
            checkPassword(request, decoded.substring(0, colon), decoded.substring(colon + 1));
            return new Admin(null);
        }
        if (request.sessionId() != null) {
            Sessions.Session session = sessions.use(request.sessionId(), nanoClock.getAsLong());
            if (session == null) {
                throw unauthorized(request);
            }
            if (!request.safeMethod() && !session.csrfMatches(request.csrfToken())) {
                throw ApiException.of(403, "csrf", "A changing request of a session needs its X-CSRF-Token");
            }
            return new Admin(session);
        }
        throw unauthorized(request);
    }

    /** {@code POST /api/v1/session}: checks the user and password, and starts a session. */
    Sessions.Session login(Credentials request, String user, String password) throws ApiException {
        checkPassword(request, user, password);
        return sessions.create(nanoClock.getAsLong());
    }

    /** {@code DELETE /api/v1/session}. */
    void logout(Admin admin) {
        if (admin.session() != null) {
            sessions.end(admin.session().id());
            sessionsEnded.forEach(Runnable::run);
        }
    }

    /**
     * {@code listener} runs when a log-out or a password change ends sessions, on the request's thread: it must not
     * wait.
     */
    void addSessionsEndedListener(Runnable listener) {
        sessionsEnded.add(listener);
    }

    void removeSessionsEndedListener(Runnable listener) {
        sessionsEnded.remove(listener);
    }

    /** Whether the administrator of a long request (an event stream) is still signed in. */
    boolean stillSignedIn(Admin admin) {
        return admin.session() == null || sessions.isLive(admin.session().id(), nanoClock.getAsLong());
    }

    /**
     * {@code PUT /api/v1/admin/password}: the current password must be given (a wrong one counts for the throttle
     * like a failed sign-in); every other session ends.
     */
    void changePassword(Credentials request, Admin admin, String current, String next)
            throws ApiException, IOException {
        if (current == null) {
            throw ApiException.badRequest("current", "is required");
        }
        if (next == null || next.length() < AdminAccount.MIN_LENGTH || next.length() > AdminAccount.MAX_LENGTH) {
            throw ApiException.badRequest("new", "must be " + AdminAccount.MIN_LENGTH + " to "
                    + AdminAccount.MAX_LENGTH + " characters long");
        }
        reserveAttempt(request);
        if (!account.verify(current)) {
            throw ApiException.badRequest("current", "is not the current password");
        }
        throttle.succeeded(request.address());
        account.change(next);
        sessions.endAllBut(admin.session() == null ? null : admin.session().id());
        sessionsEnded.forEach(Runnable::run);
    }

    /** The {@code Set-Cookie} value that starts a session in the browser ({@code Secure} over HTTPS). */
    static String cookie(Sessions.Session session, boolean secure) {
        return COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The cookie that ends the browser's session cookie. */
    static String expiredCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private void checkPassword(Credentials request, String user, String password) throws ApiException {
        reserveAttempt(request);
        // Both checks always run, so a wrong user name takes as long as a wrong password.
        boolean userMatches = MessageDigest.isEqual(PasswordHash.utf8(user), PasswordHash.utf8(AdminAccount.USER));
        boolean passwordMatches = account.verify(password);
        if (userMatches && passwordMatches) {
            throttle.succeeded(request.address());
            return;
        }
        throw unauthorized(request);
    }

    /** 429 while the address must wait; else the attempt counts as failed until the password proves right. */
    private void reserveAttempt(Credentials request) throws ApiException {
        long wait = throttle.reserve(request.address(), nanoClock.getAsLong());
        if (wait > 0) {
            throw ApiException.of(429, "too_many_attempts", "Too many wrong passwords: try again later")
                    .header("Retry-After", Long.toString((wait + 999) / 1000));
        }
    }

    private static ApiException unauthorized(Credentials request) {
        ApiException refusal = ApiException.of(401, "unauthorized", null);
        // The page asks for the password itself: a browser's own Basic dialog must not pop up over it.
        return request.fromPage() ? refusal : refusal.header("WWW-Authenticate", REALM);
    }
}
