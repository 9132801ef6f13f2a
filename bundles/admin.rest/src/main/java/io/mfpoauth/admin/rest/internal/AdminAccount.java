package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The administrator account (user {@value #USER}): its password, kept only as a salted PBKDF2 hash in
 * {@code <data>/admin/account}. On the first start the password comes from the environment variable
 * {@value #ENVIRONMENT_VARIABLE}, else it is generated and printed once on the console.
 *
 * <p>A stored file that cannot be read is never replaced by a new password (that would let anyone who can damage the
 * file take over the device): the account then refuses every password until the file is deleted and the firmware
 * restarted, which makes a new one.
 */
final class AdminAccount {
    static final String USER = "admin";
    static final String ENVIRONMENT_VARIABLE = "MFPOAUTH_ADMIN_PASSWORD";
    static final int MIN_LENGTH = 8;
    /** Longer passwords are refused before hashing: a request must not buy much CPU with a long body. */
    static final int MAX_LENGTH = 256;

    /** Letters and digits nobody confuses on a console: no 0/o, 1/l/i. */
    private static final String ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
    /**
     * How long a password just verified is recognised by a fast digest, so a script that signs every request with
     * HTTP Basic does not pay PBKDF2 each time. The digest is salted with a random value of this process only and
     * lives in memory only.
     */
    private static final long REMEMBER_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** What {@link #load} found. */
    enum Start {
        /** The stored hash was read. */
        LOADED,
        /** First start: the password came from the environment. */
        FROM_ENVIRONMENT,
        /** First start: a password was generated and printed on the console. */
        GENERATED,
        /** The stored file cannot be read: every password is refused. */
        UNREADABLE
    }

    private record Remembered(byte[] digest, long untilNanos) {
    }

    private final Path file;
    private final SecureRandom random;
    private final int iterations;
    private final LongSupplier nanoClock;
    private final byte[] pepper = new byte[32];
    /**
     * How long a sign-in waits for the first start's hash: PBKDF2 takes about a second on a cold JVM on the device, far
     * less than this; a sign-in that still finds no hash is refused.
     */
    private static final long FIRST_HASH_WAIT_SECONDS = 60;

    private final Executor firstStart;
    private volatile PasswordHash hash;
    private volatile Remembered remembered;
    /** The first start's account being made (its PBKDF2 hash computed and stored); completed once it is. */
    private volatile CompletableFuture<Void> made = CompletableFuture.completedFuture(null);

    /** An account whose first start makes the hash in the caller's thread (tests). */
    AdminAccount(Path file, SecureRandom random, int iterations, LongSupplier nanoClock) {
        this(file, random, iterations, nanoClock, Runnable::run);
    }

    /**
     * @param firstStart runs the first start's hashing: the firmware gives a thread of its own, so the seconds of
     *        PBKDF2 on a cold JVM do not hold up the component's activation and, with it, every bundle at a later start
     *        level (the token service, the mail bundles)
     */
    AdminAccount(Path file, SecureRandom random, int iterations, LongSupplier nanoClock, Executor firstStart) {
        this.file = file;
        this.random = random;
        this.iterations = iterations;
        this.nanoClock = nanoClock;
        this.firstStart = firstStart;
        random.nextBytes(pepper);
    }

    /**
     * Reads the stored hash, or makes the account on the first start.
     *
     * @param environment reads an environment variable ({@code System::getenv} in the firmware)
     * @param console where a generated password is printed, once ({@code System.out::println} in the firmware)
     */
    Start load(Function<String, String> environment, Consumer<String> console) throws IOException {
        try {
            hash = PasswordHash.parse(Files.readString(file, StandardCharsets.UTF_8));
            return Start.LOADED;
        } catch (NoSuchFileException e) {
            // First start: make the account below.
        } catch (IllegalArgumentException | IOException e) {
            hash = null;
            return Start.UNREADABLE;
        }
        String given = environment.apply(ENVIRONMENT_VARIABLE);
        if (given != null && !given.isBlank()) {
            makeFirst(given);
            return Start.FROM_ENVIRONMENT;
        }
        String generated = generate();
        makeFirst(generated);
        console.accept("mfp-oauth: the administrator password (user " + USER + ") is " + generated
                + " ; it is shown only this once: change it on the web page (Password) or with PUT /api/v1/admin/password");
        return Start.GENERATED;
    }

    /**
     * Stores the first start's password through {@link #firstStart}; until that is done, {@link #verify} waits for it.
     * The password just set is remembered like one just verified: the administrator's first sign-in, usually right
     * after the start, then needs no second PBKDF2.
     */
    private void makeFirst(String password) throws IOException {
        CompletableFuture<Void> making = new CompletableFuture<>();
        made = making;
        firstStart.execute(() -> {
            try {
                store(password);
                remembered = new Remembered(digest(password), nanoClock.getAsLong() + REMEMBER_NANOS);
                making.complete(null);
            } catch (IOException | RuntimeException e) {
                making.completeExceptionally(e);
            }
        });
        if (making.isCompletedExceptionally()) {
            try {
                making.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io; // hashed in this thread (tests): fail the load as before
                }
                throw e;
            }
        }
    }

    /** Completes when the first start's account is stored (at once when it was read), exceptionally if storing failed. */
    CompletionStage<Void> made() {
        return made;
    }

    /** Whether {@code password} is the administrator's. Takes the same time wherever a wrong password differs. */
    boolean verify(String password) {
        PasswordHash current = hash;
        if (current == null && !made.isDone()) {
            current = awaitFirstHash();
        }
        if (current == null || password == null || password.length() > MAX_LENGTH) {
            return false;
        }
        byte[] digest = digest(password);
        Remembered last = remembered;
        if (last != null && last.untilNanos - nanoClock.getAsLong() > 0 && MessageDigest.isEqual(digest, last.digest)) {
            return true;
        }
        if (!current.matches(password)) {
            return false;
        }
        remembered = new Remembered(digest, nanoClock.getAsLong() + REMEMBER_NANOS);
        if (current.iterations() < iterations) {
            try {
                store(password);
            } catch (IOException e) {
                // The old hash still verifies; raising its cost is tried again at the next sign-in.
            }
        }
        return true;
    }

    private PasswordHash awaitFirstHash() {
        try {
            made.get(FIRST_HASH_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Not stored: refused like any password while there is no hash.
        }
        return hash;
    }

    /** Replaces the password. @throws IllegalArgumentException when it is shorter than 8 or longer than 256 characters */
    void change(String password) throws IOException {
        if (password == null || password.length() < MIN_LENGTH || password.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
        }
        store(password);
    }

    private void store(String password) throws IOException {
        PasswordHash made = PasswordHash.create(password, random, iterations);
        OwnerOnlyFiles.writeAtomically(file, made.format() + "\n");
        remembered = null;
        hash = made;
    }

    /** Four groups of four characters: 31^16, about 2^79 possibilities. */
    private String generate() {
        StringBuilder password = new StringBuilder(19);
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) {
                password.append('-');
            }
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    private byte[] digest(String password) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(pepper);
            return sha256.digest(PasswordHash.utf8(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "AdminAccount[" + file + "]";
    }
}
