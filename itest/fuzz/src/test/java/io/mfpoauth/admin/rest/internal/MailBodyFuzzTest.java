package io.mfpoauth.admin.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mfpoauth.mail.OutgoingMail;

/**
 * The body of {@code POST /api/v1/mail} (a test mail with attachments in Base64), read by {@link MailBody} as the
 * handler reads it: streamed, under a cap, attachments decoded into files of the admin bundle's temporary folder.
 *
 * <p>Contract: a mail within the documented limits (recipients, address length, attachments), or a 400
 * {@link ApiException} naming the field, or {@link Bodies.TooLarge} past the cap; whichever it is, no attachment
 * file is left behind once the body is closed or refused.
 *
 * <p>Input: the body.
 */
class MailBodyFuzzTest {
    /** Small, so the fuzzer reaches the cap too. */
    private static final long CAP = 16 * 1024;
    private static Path folder;

    @BeforeAll
    static void open() throws IOException {
        Path work = Files.createDirectories(Path.of("target", "fuzz-work"));
        folder = Files.createTempDirectory(work.toAbsolutePath(), "mail-");
    }

    @AfterAll
    static void close() throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest
    void body(byte[] input) throws IOException {
        try (MailBody body = MailBody.read(Bodies.limited(new ByteArrayInputStream(input), CAP), folder)) {
            OutgoingMail mail = body.mail();
            assertNotNull(mail);
            assertTrue(mail.to().size() + mail.cc().size() <= MailBody.MAX_RECIPIENTS);
            Stream.concat(mail.to().stream(), mail.cc().stream())
                    .forEach(a -> assertTrue(a.length() <= MailBody.MAX_ADDRESS_LENGTH));
            assertTrue(mail.attachments().size() <= MailBody.MAX_ATTACHMENTS);
        } catch (ApiException e) {
            assertEquals(400, e.status());
            assertNotNull(e.body().path("message").textValue());
        } catch (Bodies.TooLarge e) {
            assertEquals(413, e.answer().status());
        }
        try (Stream<Path> left = Files.list(folder)) {
            assertEquals(0, left.count(), "attachment files left behind");
        }
    }
}
