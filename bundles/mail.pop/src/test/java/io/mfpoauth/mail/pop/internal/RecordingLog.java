package io.mfpoauth.mail.pop.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what was logged, so tests can look for it (and for what must never be there). */
final class RecordingLog implements Log {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    long warnings(String containing) {
        return lines.stream().filter(l -> l.startsWith("WARN ") && l.contains(containing)).count();
    }
}
