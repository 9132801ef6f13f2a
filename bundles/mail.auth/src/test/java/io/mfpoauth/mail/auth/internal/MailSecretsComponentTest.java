package io.mfpoauth.mail.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import org.junit.jupiter.api.Test;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.auth.MailSecrets;

class MailSecretsComponentTest {

    private static SecretKey key() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    @Test
    void aSealedPasswordOpensWithTheSameDeviceKeyOnly() throws Exception {
        SecretKey key = key();
        MailSecrets secrets = new MailSecretsComponent(() -> key);
        String sealed = secrets.seal("pässword 1");
        assertThat(sealed).startsWith(MailSecrets.PREFIX).doesNotContain("pässword");
        assertThat(secrets.seal("pässword 1")).isNotEqualTo(sealed); // a fresh nonce each time
        assertThat(secrets.seal(sealed)).isEqualTo(sealed);
        assertThat(secrets.open(sealed)).isEqualTo("pässword 1");

        SecretKey other = key();
        assertThatThrownBy(() -> new MailSecretsComponent(() -> other).open(sealed))
                .isInstanceOfSatisfying(MailException.class,
                        e -> assertThat(e.failure()).isEqualTo(MailFailure.NOT_CONFIGURED))
                .hasMessageContaining("enter the password again");
        assertThatThrownBy(() -> secrets.open(MailSecrets.PREFIX + "AAAA")).isInstanceOf(MailException.class);
    }

    @Test
    void aPasswordAnIntegratorWroteInClearIsUsedAsItIs() throws Exception {
        SecretKey key = key();
        MailSecrets secrets = new MailSecretsComponent(() -> key);
        assertThat(secrets.open("plain-Test-pw1")).isEqualTo("plain-Test-pw1");
        assertThat(secrets.open(null)).isNull();
    }
}
