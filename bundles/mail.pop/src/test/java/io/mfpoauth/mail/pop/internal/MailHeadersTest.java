package io.mfpoauth.mail.pop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MailHeadersTest {

    private static MailHeaders parse(String raw) throws IOException {
        return MailHeaders.parse(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void foldedEncodedWordsAreUnfoldedAndDecodedTogether() throws IOException {
        MailHeaders h = parse("Received: from x\r\n by y\r\nSubject: =?UTF-8?B?5pel?=\r\n =?UTF-8?B?5pys?= and"
                + " =?utf-8?q?caf=C3=A9_au_lait?=\r\nFrom: \"Fax\" <fax@example.com>\r\n"
                + "Message-ID:\r\n <id-1@example.com>\r\n\r\nSubject: not a header\r\n");

        assertThat(h.subject()).isEqualTo("日本 and café au lait");
        assertThat(h.from()).isEqualTo("\"Fax\" <fax@example.com>");
        assertThat(h.messageId()).isEqualTo("<id-1@example.com>");
    }

    @Test
    void aMultiByteCharacterSplitBetweenTwoWordsIsJoined() {
        // U+65E5 is E6 97 A5: split after its second byte.
        assertThat(MailHeaders.decode("=?UTF-8?Q?=E6=97?= =?UTF-8?Q?=A5?=")).isEqualTo("日");
    }

    @Test
    void otherCharsetsAndUnknownOnes() {
        assertThat(MailHeaders.decode("=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=")).isEqualTo("日本");
        assertThat(MailHeaders.decode("=?ISO-8859-1?Q?Gr=FC=DFe?= aus =?x-unknown?Q?abc?="))
                .isEqualTo("Grüße aus =?x-unknown?Q?abc?=");
        assertThat(MailHeaders.decode("plain text")).isEqualTo("plain text");
    }

    @Test
    void rawUtf8AndMissingHeaders() throws IOException {
        MailHeaders h = parse("Subject: Größe\r\n\r\nbody");

        assertThat(h.subject()).isEqualTo("Größe");
        assertThat(h.from()).isNull();
        assertThat(h.messageId()).isNull();
    }

    @Test
    void controlCharactersAndHugeHeadersAreBounded() throws IOException {
        MailHeaders h = parse("Subject: a=?UTF-8?Q?=07?=b\r\nFrom: " + "x".repeat(5000) + "\r\n\r\n");

        assertThat(h.subject()).isEqualTo("a b");
        assertThat(h.from()).hasSize(998);
    }
}
