package io.mfpoauth.mail.auth.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.auth.MailSecrets;
import io.mfpoauth.token.spi.KeyProvider;

/**
 * AES-256-GCM under the device key ({@link KeyProvider}: a file only the firmware can read, or a secure element).
 * The associated data binds a sealed value to this use, so it can never be mistaken for a token record.
 */
@Component(service = MailSecrets.class)
public class MailSecretsComponent implements MailSecrets {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] PURPOSE = "mfp-oauth mail password v1".getBytes(StandardCharsets.US_ASCII);

    private final KeyProvider keys;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public MailSecretsComponent(@Reference(policyOption = ReferencePolicyOption.GREEDY) KeyProvider keys) {
        this.keys = keys;
    }

    @Override
    public String seal(String password) {
        if (password == null || password.startsWith(PREFIX)) {
            return password;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.deviceKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(PURPOSE);
            byte[] sealed = cipher.doFinal(password.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (IOException e) {
            throw new UncheckedIOException("The device key cannot be read: the password was not stored", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The password cannot be sealed: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String open(String stored) throws MailException {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (all.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new GeneralSecurityException("too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keys.deviceKey(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(PURPOSE);
            byte[] clear = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            return new String(clear, StandardCharsets.UTF_8);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new MailException(MailFailure.NOT_CONFIGURED, "The stored password cannot be read (the device key "
                    + "changed, or the configuration was copied from another device): enter the password again.",
                    null, null);
        }
    }
}
