package io.mfpoauth.mail.pop.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The UIDLs of a POP setting's messages that every receiver accepted, one a line in a file written atomically. A
 * message whose UIDL is here is never handed over again: it is only deleted (when the setting deletes after
 * retrieval), or left alone. The file is written before the DELE is sent, so a device that stops between the two
 * deletes the message on its next check instead of delivering it twice.
 *
 * <p>The first line names the mailbox the UIDLs belong to ({@code # mailbox <server>:<port> <account>}): UIDLs are
 * only unique within one mailbox, so when the setting is pointed at another mailbox the set starts empty, and
 * nothing of the new mailbox is deleted unseen.
 */
final class AcceptedUidls {
    private static final String MAILBOX = "# mailbox ";

    private final Path file;
    private final String mailbox;
    private final Set<String> uidls;

    private AcceptedUidls(Path file, String mailbox, Set<String> uidls) {
        this.file = file;
        this.mailbox = mailbox;
        this.uidls = uidls;
    }

    /**
     * Reads the set of {@code mailbox} (server, port and account, one line); a missing file, or one written for
     * another mailbox, is an empty set.
     */
    static AcceptedUidls load(Path file, String mailbox) throws IOException {
        Set<String> uidls = new LinkedHashSet<>();
        try {
            // Decoded leniently: bytes a crash or a bad flash page left that are not UTF-8 must not stop every
            // later check of the mailbox (readAllLines throws on them); a damaged first line means an empty set.
            List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            if (!lines.isEmpty() && lines.get(0).equals(MAILBOX + mailbox)) {
                for (String line : lines.subList(1, lines.size())) {
                    if (!line.isBlank()) {
                        uidls.add(line.trim());
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // nothing accepted yet
        }
        return new AcceptedUidls(file, mailbox, uidls);
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
            out.write((MAILBOX + mailbox + "\n").getBytes(StandardCharsets.UTF_8));
            for (String uidl : uidls) {
                out.write((uidl + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
    }
}
