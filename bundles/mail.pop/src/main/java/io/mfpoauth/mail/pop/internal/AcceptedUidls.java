package io.mfpoauth.mail.pop.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The UIDLs of a POP setting's messages that every receiver accepted, one a line in a file written atomically. A
 * message whose UIDL is here is never handed over again: it is only deleted (when the setting deletes after
 * retrieval), or left alone. The file is written before the DELE is sent, so a device that stops between the two
 * deletes the message on its next check instead of delivering it twice.
 */
final class AcceptedUidls {
    private final Path file;
    private final Set<String> uidls;

    private AcceptedUidls(Path file, Set<String> uidls) {
        this.file = file;
        this.uidls = uidls;
    }

    /** Reads the set; a missing file is an empty set. */
    static AcceptedUidls load(Path file) throws IOException {
        Set<String> uidls = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    uidls.add(line.trim());
                }
            }
        } catch (NoSuchFileException e) {
            // nothing accepted yet
        }
        return new AcceptedUidls(file, uidls);
    }

    boolean contains(String uidl) {
        return uidls.contains(uidl);
    }

    /** Adds a UIDL and writes the set to the disk before returning. */
    void add(String uidl) throws IOException {
        if (uidls.add(uidl)) {
            save();
        }
    }

    /** Keeps only the UIDLs the server still lists; writes the set when that changed it. */
    void retainOnly(Collection<String> onServer) throws IOException {
        if (uidls.retainAll(Set.copyOf(onServer))) {
            save();
        }
    }

    int size() {
        return uidls.size();
    }

    private void save() throws IOException {
        AtomicFiles.write(file, out -> {
            for (String uidl : uidls) {
                out.write((uidl + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
    }
}
