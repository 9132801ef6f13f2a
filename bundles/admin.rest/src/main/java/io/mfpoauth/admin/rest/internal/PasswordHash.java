package io.mfpoauth.admin.rest.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 hash of the administrator password, stored as one line:
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}. The iteration count is stored with the hash, so
 * a later firmware can raise {@link #ITERATIONS} and old hashes still verify (and are replaced at the next sign-in).
 */
final class PasswordHash {
    static final String SCHEME = "pbkdf2-sha256";
    /**
     * 150,000 rounds: on the printer's small CPU one verification takes a fraction of a second, which a sign-in can
     * afford (a session then spares every later request), while each guess of an attacker who copied the file still
     * costs 150,000 HMAC-SHA256 computations (at least 100,000, as NIST SP 800-63B asks).
     */
    static final int ITERATIONS = 150_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MIN_ITERATIONS = 1;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes a password with a new random salt. */
    static PasswordHash create(String password, SecureRandom random, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /** Reads the stored line. @throws IllegalArgumentException when it is not one this class wrote */
    static PasswordHash parse(String line) {
        String[] parts = line.strip().split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            throw new IllegalArgumentException("not a " + SCHEME + " hash");
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (iterations < MIN_ITERATIONS || salt.length < SALT_BYTES || hash.length < HASH_BYTES) {
                throw new IllegalArgumentException("a " + SCHEME + " hash with too few iterations or bytes");
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a " + SCHEME + " hash with a bad iteration count", e);
        }
    }

    /** The stored line (no line break). */
    String format() {
        Base64.Encoder base64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    /** Whether {@code password} is the hashed one; the comparison takes the same time wherever the bytes differ. */
    boolean matches(String password) {
        if (password == null) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
    }

    int iterations() {
        return iterations;
    }

    private static byte[] derive(String password, byte[] salt, int iterations, int length) {
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, length * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime has PBKDF2WithHmacSHA256 (a required algorithm): this cannot happen.
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }

    @Override
    public String toString() {
        // Never the hash or the salt: a log line has no use for them.
        return "PasswordHash[" + SCHEME + ", " + iterations + " iterations]";
    }

    /** The UTF-8 bytes of a string, for constant-time comparisons of names and tokens. */
    static byte[] utf8(String value) {
        return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    }
}
