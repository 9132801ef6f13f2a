package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mfpoauth.mail.Attachment;
import io.mfpoauth.mail.OutgoingMail;

class MailBodyTest {
    @TempDir
    Path folder;

    private static InputStream body(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    private String error(String json) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> MailBody.read(body(json), folder));
        assertThat(e).as(json).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        return e.body().path("field").asText(null);
    }

    @Test
    void readsRecipientsTextAndAttachments() throws Exception {
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.7 scan".getBytes(StandardCharsets.US_ASCII));
        try (MailBody read = MailBody.read(body("{\"to\":[\"a@example.com\",\"b@example.com\"],\"cc\":[\"c@example.com\"],"
                + "\"subject\":\"Scan\",\"text\":\"Attached.\",\"future\":{\"x\":[1]},"
                + "\"attachments\":[{\"base64\":\"" + pdf + "\",\"name\":\"scan.pdf\",\"contentType\":\"application/pdf\"}]}"),
                folder)) {
            OutgoingMail mail = read.mail();
            assertThat(mail.to()).containsExactly("a@example.com", "b@example.com");
            assertThat(mail.cc()).containsExactly("c@example.com");
            assertThat(mail.subject()).isEqualTo("Scan");
            assertThat(mail.text()).isEqualTo("Attached.");
            Attachment attachment = mail.attachments().get(0);
            assertThat(attachment.name()).isEqualTo("scan.pdf");
            assertThat(attachment.contentType()).isEqualTo("application/pdf");
            try (InputStream in = attachment.content().open()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.7 scan");
            }
            assertThat(folder).isNotEmptyDirectory();
        }
        assertThat(folder).as("files deleted when done").isEmptyDirectory();
    }

    @Test
    void aLargeAttachmentIsStreamedToAFileNotHeldAsAString() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024]; // its base64 is 4 MiB: over the 1 MiB a string may have
        new Random(7).nextBytes(content);
        InputStream in = new SequenceInputStream(new SequenceInputStream(
                body("{\"to\":[\"a@example.com\"],\"attachments\":[{\"name\":\"big.bin\",\"contentType\":\"application/octet-stream\",\"base64\":\""),
                new ByteArrayInputStream(Base64.getMimeEncoder().encode(content))), body("\"}]}"));
        try (MailBody read = MailBody.read(in, folder)) {
            try (InputStream file = read.mail().attachments().get(0).content().open()) {
                assertThat(file.readAllBytes()).isEqualTo(content);
            }
        }
    }

    /** Found by fuzzing (itest/fuzz MailBodyFuzzTest): bytes Jackson takes for UTF-32 threw a bare IOException. */
    @Test
    void aBodyInABrokenUtf32IsABadRequest() {
        byte[] utf32 = { 0, 0, 0, '{', (byte) 0x9c, (byte) 0x8a, (byte) 0xdd, 0x15, 0, 0, 0, '}' };
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> MailBody.read(new ByteArrayInputStream(utf32), folder));
        assertThat(e.status()).isEqualTo(400);
    }

    @Test
    void unpaddedBase64IsTaken() throws Exception {
        try (MailBody read = MailBody.read(body("{\"to\":[\"a@example.com\"],\"attachments\":[{\"name\":\"a.txt\","
                + "\"contentType\":\"text/plain\",\"base64\":\"YWI\"}]}"), folder)) {
            try (InputStream file = read.mail().attachments().get(0).content().open()) {
                assertThat(file.readAllBytes()).isEqualTo("ab".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void badValuesNameTheirField() {
        assertThat(error("{\"to\":[\"a@example.com\"],\"attachments\":[{\"name\":\"a\",\"contentType\":\"text/plain\","
                + "\"base64\":\"QUJD\"},{\"name\":\"b\",\"contentType\":\"text/plain\",\"base64\":\"not base64!\"}]}"))
                .isEqualTo("attachments[1].base64");
        assertThat(error("{\"to\":[\"a@example.com\"],\"attachments\":[{\"name\":\"a\",\"base64\":7}]}"))
                .isEqualTo("attachments[0].base64");
        assertThat(error("{\"to\":[\"a@example.com\"],\"attachments\":[{\"name\":\"a\"}]}"))
                .isEqualTo("attachments[0].base64");
        assertThat(error("{\"to\":[\"a@example.com\"],\"attachments\":[{\"contentType\":\"text/plain\",\"base64\":\"QQ==\"}]}"))
                .isEqualTo("attachments[0].name");
        assertThat(error("{\"to\":\"a@example.com\"}")).isEqualTo("to");
        assertThat(error("{\"to\":[1]}")).isEqualTo("to[0]");
        assertThat(error("{\"subject\":\"no recipient\"}")).isEqualTo("to");
        assertThat(error("{\"to\":[\"a@example.com\"],\"subject\":{}}")).isEqualTo("subject");
        assertThat(error("[]")).isNull();
        assertThat(error("{\"to\":[\"a@example.com\"]")).isNull();
        assertThat(folder).as("no file left behind by a refused body").isEmptyDirectory();
    }

    @Test
    void aBodyOverItsCapStops() {
        InputStream limited = Bodies.limited(body("{\"to\":[\"a@example.com\"],\"attachments\":[{\"name\":\"a\","
                + "\"contentType\":\"text/plain\",\"base64\":\"" + "QUJD".repeat(1000) + "\"}]}"), 1000);
        assertThatThrownBy(() -> MailBody.read(limited, folder)).isInstanceOf(Bodies.TooLarge.class);
        assertThat(folder).isEmptyDirectory();
    }

    @Test
    void atMostAHundredRecipientsOfAtMost320CharactersAndTwentyAttachments() throws Exception {
        String hundred = "\"a@example.com\",".repeat(60);
        assertThat(error("{\"to\":[" + hundred + "\"b@example.com\"],\"cc\":[" + "\"c@example.com\",".repeat(40)
                + "\"d@example.com\"]}")).as("to and cc together").isEqualTo("cc");
        String local = "x".repeat(64);
        String longest = local + "@" + "d".repeat(MailBody.MAX_ADDRESS_LENGTH - 65);
        assertThat(error("{\"to\":[\"a@example.com\",\"" + longest + "x\"]}")).isEqualTo("to[1]");
        String attachment = "{\"name\":\"a.txt\",\"contentType\":\"text/plain\",\"base64\":\"QQ==\"}";
        assertThat(error("{\"to\":[\"a@example.com\"],\"attachments\":[" + (attachment + ",").repeat(20) + attachment
                + "]}")).isEqualTo("attachments");
        assertThat(folder).isEmptyDirectory();

        try (MailBody read = MailBody.read(body("{\"to\":[" + hundred + "\"b@example.com\"],\"cc\":["
                + "\"c@example.com\",".repeat(38) + "\"" + longest + "\"],\"attachments\":["
                + (attachment + ",").repeat(19) + attachment + "]}"), folder)) {
            assertThat(read.mail().to().size() + read.mail().cc().size()).isEqualTo(MailBody.MAX_RECIPIENTS);
            assertThat(read.mail().attachments()).hasSize(MailBody.MAX_ATTACHMENTS);
        }
    }

    @Test
    void anEndlessListOfRecipientsIsRefusedWhileItArrives() {
        byte[] head = "{\"to\":[".getBytes(StandardCharsets.US_ASCII);
        byte[] item = "\"a\",".getBytes(StandardCharsets.US_ASCII);
        InputStream endless = new InputStream() {
            private long at;

            @Override
            public int read() {
                long i = at++;
                return i < head.length ? head[(int) i] : item[(int) ((i - head.length) % item.length)];
            }
        };
        assertThat(error(endless)).isEqualTo("to");
    }

    @Test
    void malformedJsonSaysWhereNotWhat() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> MailBody.read(body("{\"to\":[\"a@example.com\"],\n\"subject\":hunter2secret}"), folder));
        assertThat(e.body().get("message").asText()).isEqualTo("The body is not valid JSON at line 2, column 11")
                .doesNotContain("hunter2");
    }

    private String error(InputStream in) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> MailBody.read(in, folder));
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        return e.body().path("field").asText(null);
    }
}
