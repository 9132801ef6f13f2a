package io.mfpoauth.token.service.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.mfpoauth.token.service.internal.store.TokenRecord;
import io.mfpoauth.token.service.internal.store.TokenStore;

/** The real store, with a record of saves and a switch to make the next save fail like a full or broken disk. */
final class RecordingStore implements TokenStore {
    private final TokenStore delegate;
    final List<TokenRecord> saved = new CopyOnWriteArrayList<>();
    volatile int failSaves;

    RecordingStore(TokenStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public TokenRecord load(String slot) throws IOException {
        return delegate.load(slot);
    }

    @Override
    public List<String> slots() throws IOException {
        return delegate.slots();
    }

    @Override
    public void save(TokenRecord record) throws IOException {
        if (failSaves > 0) {
            failSaves--;
            throw new IOException("No space left on device");
        }
        delegate.save(record);
        saved.add(record);
    }

    @Override
    public void delete(String slot) throws IOException {
        delegate.delete(slot);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
