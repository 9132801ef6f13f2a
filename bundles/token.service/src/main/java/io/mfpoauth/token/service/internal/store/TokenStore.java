package io.mfpoauth.token.service.internal.store;

import java.io.IOException;
import java.util.List;

/** Where each slot's token survives a restart. Implementations are thread-safe. */
public interface TokenStore extends AutoCloseable {

    /**
     * @return the record, or null if the slot has none
     * @throws StoreUnreadableException if it exists but cannot be read, decrypted or parsed
     * @throws IllegalArgumentException if {@code slot} is not a well-formed slot name
     */
    TokenRecord load(String slot) throws IOException;

    /** The names of the slots that have a record file, readable or not, sorted. */
    List<String> slots() throws IOException;

    /** Atomically and durably replaces the slot's record: after a crash, either the old or the new one is there. */
    void save(TokenRecord record) throws IOException;

    /** Removes the record; no error if there is none. */
    void delete(String slot) throws IOException;

    @Override
    void close();
}
