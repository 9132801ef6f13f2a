package io.mfpoauth.mail.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.SettingsException;
import io.mfpoauth.mail.SmtpSettings;

class SettingsCodecTest {

    private static SmtpSettings smtp() {
        SmtpSettings s = new SmtpSettings();
        s.server = "smtp.office365.com";
        s.port = 587;
        s.senderName = "Scanner 3rd floor";
        s.senderAddress = "scanner@example.com";
        s.authMethod = AuthMethod.OAUTH2;
        s.provider = "microsoft";
        s.account = "scanner@example.com";
        return s;
    }

    private static PopSettings pop() {
        PopSettings s = new PopSettings();
        s.id = "ifax";
        s.server = "outlook.office365.com";
        s.provider = "microsoft";
        s.account = "fax@example.com";
        return s;
    }

    @Test
    void settingsSurviveTheRoundTripThroughConfigurationProperties() throws Exception {
        SmtpSettings s = smtp();
        s.password = "pw";
        SmtpSettings back = SettingsCodec.smtp(SettingsCodec.properties(s));
        assertThat(back.server).isEqualTo(s.server);
        assertThat(back.authMethod).isEqualTo(AuthMethod.OAUTH2);
        assertThat(back.password).isEqualTo("pw");
        assertThat(SettingsCodec.properties(s)).containsEntry(SettingsCodec.PASSWORD, "pw").doesNotContainKey("password");
        assertThat(back.toString()).doesNotContain("pw\"").doesNotContain("=pw");

        PopSettings p = pop();
        PopSettings popBack = SettingsCodec.pop(SettingsCodec.properties(p));
        assertThat(popBack.id).isEqualTo("ifax");
        assertThat(popBack.deleteAfterRetrieval).isTrue();
        SettingsCodec.check(popBack);
    }

    @Test
    void configurationValuesAreParsedFromStringsAsAFileWouldHoldThem() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("server", "10.0.0.5");
        props.put("port", "465");
        props.put("security", "TLS");
        props.put("senderAddress", "mfp@example.com");
        SmtpSettings s = SettingsCodec.smtp(props);
        assertThat(s.port).isEqualTo(465);
        assertThat(s.security).isEqualTo(Security.TLS);
        SettingsCodec.check(s);

        props.put("port", "587x");
        assertThatThrownBy(() -> SettingsCodec.smtp(props)).isInstanceOf(SettingsException.class)
                .extracting(e -> ((SettingsException) e).field()).isEqualTo("port");
        props.put("port", "587");
        props.put("security", "ssl");
        assertThatThrownBy(() -> SettingsCodec.smtp(props)).hasMessageContaining("security")
                .hasMessageContaining("none, starttls, tls");
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        refused(s -> s.port = 0, "port");
        refused(s -> s.port = 70000, "port");
        refused(s -> s.server = "smtp.example.com:587", "server");
        refused(s -> s.server = "https://smtp.example.com", "server");
        refused(s -> s.server = "bad_host.example.com", "server");
        refused(s -> s.server = "300.1.1.1", "server");
        refused(s -> s.server = " ", "server");
        refused(s -> s.senderAddress = "scanner at example.com", "senderAddress");
        refused(s -> s.senderName = "x\r\nBcc: victim@example.com", "senderName");
        refused(s -> s.timeoutSeconds = 1, "timeoutSeconds");
        refused(s -> s.account = null, "account");
        refused(s -> s.provider = "Bad Provider", "provider");
        refused(s -> {
            s.authMethod = AuthMethod.PASSWORD;
            s.username = "scanner";
        }, "password");
    }

    @Test
    void popSettingsHaveASaneMinimumIntervalAndNeedASignIn() {
        PopSettings p = pop();
        p.checkIntervalMinutes = 0;
        assertThatThrownBy(() -> SettingsCodec.check(p)).extracting(e -> ((SettingsException) e).field())
                .isEqualTo("checkIntervalMinutes");
        PopSettings q = pop();
        q.id = "../etc";
        assertThatThrownBy(() -> SettingsCodec.check(q)).extracting(e -> ((SettingsException) e).field())
                .isEqualTo("id");
        PopSettings r = pop();
        r.authMethod = AuthMethod.NONE;
        assertThatThrownBy(() -> SettingsCodec.check(r)).extracting(e -> ((SettingsException) e).field())
                .isEqualTo("authMethod");
    }

    @Test
    void hostsAndAddressesThatAreFineAreAccepted() throws Exception {
        for (String host : new String[] {"smtp.gmail.com", "localhost", "127.0.0.1", "::1", "[fe80::1]", "mail-1.example.com."}) {
            SmtpSettings s = smtp();
            s.server = host;
            SettingsCodec.check(s);
        }
    }

    private interface Change {
        void apply(SmtpSettings s);
    }

    private static void refused(Change change, String field) {
        SmtpSettings s = smtp();
        change.apply(s);
        assertThatThrownBy(() -> SettingsCodec.check(s)).isInstanceOf(SettingsException.class)
                .extracting(e -> ((SettingsException) e).field()).isEqualTo(field);
    }
}
