package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAccountTest {
    /** Few rounds keep the tests fast; the firmware uses PasswordHash.ITERATIONS. */
    private static final int ROUNDS = 1_000;

    @TempDir
    Path folder;

    private final AtomicLong clock = new AtomicLong();
    private final List<String> console = new ArrayList<>();

    private AdminAccount account() {
        return new AdminAccount(folder.resolve("admin/account"), new SecureRandom(), ROUNDS, clock::get);
    }

    @Test
    void theFirmwareHashesWithAtLeastOneHundredThousandRounds() {
        assertThat(PasswordHash.ITERATIONS).isGreaterThanOrEqualTo(100_000);
        PasswordHash hash = PasswordHash.create("correct horse", new SecureRandom(), PasswordHash.ITERATIONS);
        assertThat(hash.format()).startsWith("pbkdf2-sha256$" + PasswordHash.ITERATIONS + "$");
        assertThat(hash.matches("correct horse")).isTrue();
    }

    @Test
    void storedFormatIsSaltedPbkdf2AndRoundTrips() {
        SecureRandom random = new SecureRandom();
        PasswordHash a = PasswordHash.create("same password", random, ROUNDS);
        PasswordHash b = PasswordHash.create("same password", random, ROUNDS);
        assertThat(a.format()).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}");
        assertThat(a.format()).isNotEqualTo(b.format()); // a new salt each time
        PasswordHash read = PasswordHash.parse(a.format() + "\n");
        assertThat(read.matches("same password")).isTrue();
        assertThat(read.matches("same passworD")).isFalse();
        assertThat(read.matches(null)).isFalse();
        assertThat(read.toString()).doesNotContain(a.format().split("\\$")[2]);
        assertThatThrownBy(() -> PasswordHash.parse("plain:text")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256$x$AAAA$AAAA")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void firstStartTakesThePasswordFromTheEnvironment() throws Exception {
        AdminAccount account = account();
        assertThat(account.load(Map.of(AdminAccount.ENVIRONMENT_VARIABLE, "from-the-env")::get, console::add))
                .isEqualTo(AdminAccount.Start.FROM_ENVIRONMENT);
        assertThat(console).isEmpty();
        assertThat(account.verify("from-the-env")).isTrue();
        assertThat(account.verify("something else")).isFalse();

        String stored = Files.readString(folder.resolve("admin/account"), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("pbkdf2-sha256$").doesNotContain("from-the-env");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("admin/account"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("admin"))))
                    .isEqualTo("rwx------");
        }
        assertThat(folder.resolve("admin")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void theFirstStartHashesOffTheActivationAndSignInsWaitForIt() throws Exception {
        List<Runnable> hashing = new ArrayList<>();
        AdminAccount account = new AdminAccount(folder.resolve("admin/account"), new SecureRandom(), ROUNDS, clock::get,
                hashing::add);
        assertThat(account.load(Map.of(AdminAccount.ENVIRONMENT_VARIABLE, "from-the-env")::get, console::add))
                .isEqualTo(AdminAccount.Start.FROM_ENVIRONMENT);
        assertThat(folder.resolve("admin/account")).doesNotExist();
        assertThat(account.made().toCompletableFuture()).isNotDone();

        CompletableFuture<Boolean> signIn = CompletableFuture.supplyAsync(() -> account.verify("from-the-env"));
        hashing.forEach(Runnable::run);
        assertThat(signIn.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(account.made().toCompletableFuture()).isCompleted();
        assertThat(account.verify("not-the-password")).isFalse();
        assertThat(PasswordHash.parse(Files.readString(folder.resolve("admin/account"))).matches("from-the-env")).isTrue();
    }

    @Test
    void withoutTheEnvironmentAPasswordIsGeneratedAndPrintedOnce() throws Exception {
        AdminAccount first = account();
        assertThat(first.load(name -> null, console::add)).isEqualTo(AdminAccount.Start.GENERATED);
        assertThat(console).hasSize(1);
        String password = console.get(0).replaceAll(".* is ([a-z0-9-]{19}) .*", "$1");
        assertThat(password).matches("[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}").doesNotContain("l", "o", "i", "1", "0");
        assertThat(first.verify(password)).isTrue();

        AdminAccount restarted = account();
        assertThat(restarted.load(name -> "ignored once the account exists", console::add))
                .isEqualTo(AdminAccount.Start.LOADED);
        assertThat(console).hasSize(1);
        assertThat(restarted.verify(password)).isTrue();
        assertThat(restarted.verify("ignored once the account exists")).isFalse();
    }

    @Test
    void anUnreadableFileRefusesEveryPasswordAndIsNotReplaced() throws Exception {
        Path file = folder.resolve("admin/account");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "damaged");
        AdminAccount account = account();
        assertThat(account.load(name -> "new-password", console::add)).isEqualTo(AdminAccount.Start.UNREADABLE);
        assertThat(account.verify("new-password")).isFalse();
        assertThat(account.verify("damaged")).isFalse();
        assertThat(Files.readString(file)).isEqualTo("damaged");
    }

    @Test
    void changeReplacesTheStoredHashAndForgetsTheOldPassword() throws Exception {
        AdminAccount account = account();
        account.load(name -> "first-password", console::add);
        assertThat(account.verify("first-password")).isTrue(); // remembered for the next few minutes
        account.change("second-password");
        assertThat(account.verify("first-password")).isFalse();
        assertThat(account.verify("second-password")).isTrue();
        assertThatThrownBy(() -> account.change("short")).isInstanceOf(IllegalArgumentException.class);

        AdminAccount restarted = account();
        restarted.load(name -> null, console::add);
        assertThat(restarted.verify("second-password")).isTrue();
        assertThat(console).isEmpty();
    }

    @Test
    void aHashWithFewerRoundsIsReplacedAtTheNextSignIn() throws Exception {
        Path file = folder.resolve("admin/account");
        Files.createDirectories(file.getParent());
        Files.writeString(file, PasswordHash.create("old-and-cheap", new SecureRandom(), 10).format());
        AdminAccount account = account();
        account.load(name -> null, console::add);
        assertThat(account.verify("old-and-cheap")).isTrue();
        assertThat(PasswordHash.parse(Files.readString(file)).iterations()).isEqualTo(ROUNDS);
    }

    @Test
    void tooLongPasswordsAreRefusedWithoutHashing() throws Exception {
        AdminAccount account = account();
        account.load(name -> "x".repeat(AdminAccount.MAX_LENGTH), console::add);
        assertThat(account.verify("x".repeat(AdminAccount.MAX_LENGTH))).isTrue();
        assertThat(account.verify("x".repeat(AdminAccount.MAX_LENGTH + 1))).isFalse();
    }
}
