package io.mfpoauth.token.spi;

import java.io.IOException;

import javax.crypto.SecretKey;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Supplies the device key that encrypts the token store (AES-GCM). The token service bundle has a default that
 * keeps a random key in a file only its owner can read; a firmware with a secure element registers its own with a
 * higher {@code service.ranking}, and may hand out a key that never leaves the element (a JCA key handle).
 */
@ConsumerType
public interface KeyProvider {
    /**
     * The AES key (256 bits recommended). It must be the same key after every restart, or the stored tokens
     * cannot be read.
     *
     * @throws IOException when the key cannot be read or created
     */
    SecretKey deviceKey() throws IOException;
}
