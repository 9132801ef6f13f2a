package io.mfpoauth.mail.pop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mfpoauth.mail.ReceivedMail;
import io.mfpoauth.mail.StoredMessage;

class EmlArchiveTest {
    @TempDir
    Path data;
    final RecordingLog log = new RecordingLog();

    private static ReceivedMail mail(String popId, String uidl, String messageId, String subject, String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        return new ReceivedMail() {
            @Override
            public String popId() {
                return popId;
            }

            @Override
            public String uidl() {
                return uidl;
            }

            @Override
            public String messageId() {
                return messageId;
            }

            @Override
            public String from() {
                return "Sender <sender@example.com>";
            }

            @Override
            public String subject() {
                return subject;
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    @Test
    void keepsEachMessageAsAnEmlFileNamedInTheIndex() throws IOException {
        EmlArchive archive = new EmlArchive(data, log);

        archive.receive(mail("fax", "u1", "<1@x>", "First", "one\r\n"));
        archive.receive(mail("fax", "u2", null, "Tab\there\nand a line", "two\r\n"));
        archive.receive(mail("other", "u1", "<1@x>", "Elsewhere", "three\r\n"));

        List<StoredMessage> kept = archive.messages("fax");
        assertThat(kept).extracting(m -> m.uidl).containsExactly("u1", "u2");
        assertThat(kept.get(0).id).matches("\\d{8}-\\d{9}-[0-9a-f]{4}");
        assertThat(kept.get(0).messageId).isEqualTo("<1@x>");
        assertThat(kept.get(0).size).isEqualTo(5);
        assertThat(kept.get(0).from).isEqualTo("Sender <sender@example.com>");
        assertThat(kept.get(1).messageId).isNull();
        assertThat(kept.get(1).subject).isEqualTo("Tab\there\nand a line");
        assertThat(data.resolve("pop-fax").resolve(kept.get(0).id + ".eml")).hasContent("one");
        try (InputStream in = archive.open("fax", kept.get(1).id)) {
            assertThat(in).hasContent("two");
        }
        assertThat(archive.messages("other")).hasSize(1);
        assertThat(new EmlArchive(data, log).messages("fax")).hasSize(2);
        try (var files = Files.list(data.resolve("pop-fax"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void aMessageOfferedAgainIsNotKeptTwiceButAReusedMessageIdIsAnotherMessage() throws IOException {
        EmlArchive archive = new EmlArchive(data, log);
        archive.receive(mail("fax", "u1", "<1@x>", "First", "one\r\n"));

        // Offered again after a crash between keeping it and deleting it on the server: same UIDL and Message-ID.
        archive.receive(mail("fax", "u1", "<1@x>", "First", "one\r\n"));
        assertThat(archive.messages("fax")).hasSize(1);

        // A scanner that restarted reuses its Message-IDs: another message, which must not be lost.
        archive.receive(mail("fax", "u9", "<1@x>", "Second", "two\r\n"));
        assertThat(archive.messages("fax")).hasSize(2);
        try (var files = Files.list(data.resolve("pop-fax"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".eml"))).hasSize(2);
        }
    }

    @Test
    void idsAndSettingIdsAreCheckedStrictly() throws IOException {
        EmlArchive archive = new EmlArchive(data, log);
        archive.receive(mail("fax", "u1", "<1@x>", "First", "one\r\n"));
        Files.writeString(data.resolve("x.eml"), "outside");

        assertThat(archive.open("fax", "../x")).isNull();
        assertThat(archive.open("fax", "../../x")).isNull();
        assertThat(archive.open("fax", "20250101-000000000-zzzz")).isNull();
        assertThat(archive.open("fax", null)).isNull();
        assertThat(archive.open("../fax", archive.messages("fax").get(0).id)).isNull();
        assertThat(archive.open("fax", "20250101-000000000-0000")).isNull();
        assertThat(archive.messages("../x")).isEmpty();
        assertThat(archive.messages(null)).isEmpty();
        assertThatThrownBy(() -> archive.receive(mail("../x", "u1", null, "s", "x"))).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void halfWrittenCopiesOfAStoppedDeviceAreRemoved() throws IOException {
        Path folder = Files.createDirectories(data.resolve("pop-fax"));
        Path half = Files.writeString(folder.resolve(".incoming-123.tmp"), "half");

        new EmlArchive(data, log);

        assertThat(half).doesNotExist();
    }
}
