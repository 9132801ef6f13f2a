package io.mfpoauth.admin.rest.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The browser sessions, in memory only (a restart of the bundle signs everybody out): a bounded number, each ended
 * after an idle time. A session id and its CSRF token are 256 random bits each. The map is keyed by a SHA-256 of the
 * id, so looking a cookie up takes no time that depends on how much of a real id it guessed.
 */
final class Sessions {
    private static final int RANDOM_BYTES = 32;

    /** One signed-in browser. */
    static final class Session {
        private final String id;
        private final String csrfToken;
        private long lastUsedNanos;

        private Session(String id, String csrfToken, long nowNanos) {
            this.id = id;
            this.csrfToken = csrfToken;
            this.lastUsedNanos = nowNanos;
        }

        /** The cookie's value. */
        String id() {
            return id;
        }

        /** What every changing request of this session carries in {@code X-CSRF-Token}. */
        String csrfToken() {
            return csrfToken;
        }

        /** Whether {@code presented} is this session's CSRF token; constant time. */
        boolean csrfMatches(String presented) {
            return presented != null
                    && MessageDigest.isEqual(PasswordHash.utf8(csrfToken), PasswordHash.utf8(presented));
        }

        @Override
        public String toString() {
            return "Session[...]";
        }
    }

    private final SecureRandom random;
    private final long idleNanos;
    private final int max;
    /** By key; in the order of last use, so the first one is the one idle the longest. */
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    Sessions(SecureRandom random, long idleNanos, int max) {
        this.random = random;
        this.idleNanos = idleNanos;
        this.max = max;
    }

    /** A new session; when the most are kept already, the one idle the longest ends. */
    synchronized Session create(long nowNanos) {
        expire(nowNanos);
        while (sessions.size() >= max) {
            Iterator<Session> eldest = sessions.values().iterator();
            eldest.next();
            eldest.remove();
        }
        Session session = new Session(randomToken(), randomToken(), nowNanos);
        sessions.put(key(session.id), session);
        return session;
    }

    /** The live session with this id, now marked as used; null when there is none or it has been idle too long. */
    synchronized Session use(String id, long nowNanos) {
        Session session = live(id, nowNanos);
        if (session != null) {
            session.lastUsedNanos = nowNanos;
        }
        return session;
    }

    /** Whether the session with this id is still live, without counting this as a use. */
    synchronized boolean isLive(String id, long nowNanos) {
        return live(id, nowNanos) != null;
    }

    /** Ends one session (log out). */
    synchronized void end(String id) {
        if (id != null) {
            sessions.remove(key(id));
        }
    }

    /** Ends every session but {@code kept} (which may be null: then all end), e.g. after a password change. */
    synchronized void endAllBut(String kept) {
        String keptKey = kept == null ? null : key(kept);
        sessions.keySet().removeIf(k -> !k.equals(keptKey));
    }

    synchronized int size() {
        return sessions.size();
    }

    private Session live(String id, long nowNanos) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return null;
        }
        String key = key(id);
        Session session = sessions.get(key);
        if (session != null && nowNanos - session.lastUsedNanos >= idleNanos) {
            sessions.remove(key);
            return null;
        }
        return session;
    }

    private void expire(long nowNanos) {
        sessions.values().removeIf(s -> nowNanos - s.lastUsedNanos >= idleNanos);
    }

    private String randomToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String key(String id) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(PasswordHash.utf8(id)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
