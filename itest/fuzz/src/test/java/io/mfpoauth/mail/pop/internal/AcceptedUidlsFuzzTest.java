package io.mfpoauth.mail.pop.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A POP setting's file of accepted UIDLs ({@code <data>/mail/state/pop-<id>.accepted}) as {@link AcceptedUidls}
 * reads it, whatever a crash, a full flash or a hand edit left in it; then a message accepted and the file read
 * back.
 *
 * <p>Contract: the set loads whatever the file holds (a file the device cannot read would stop every check of the
 * mailbox until someone deletes it by hand; at worst the set starts empty, as for another mailbox); a UIDL once
 * added is there after a reload of the same mailbox.
 *
 * <p>Input: the file's bytes.
 */
class AcceptedUidlsFuzzTest {
    private static final String MAILBOX = "pop.example.com:995 fax@example.com";
    private static Path folder;

    @BeforeAll
    static void open() throws IOException {
        Path work = Files.createDirectories(Path.of("target", "fuzz-work"));
        folder = Files.createTempDirectory(work.toAbsolutePath(), "state-");
    }

    @AfterAll
    static void close() throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest
    void file(byte[] input) throws IOException {
        Path file = folder.resolve("pop-ifax.accepted");
        Files.write(file, input);
        AcceptedUidls uidls = AcceptedUidls.load(file, MAILBOX);
        uidls.contains("AAQkAGI2TG93AAA=");
        String uidl = "UID" + (input.length % 97) + "-new";
        uidls.add(uidl);
        uidls.retainOnly(List.of(uidl, "AAQkAGI2TG93AAA="));
        assertTrue(AcceptedUidls.load(file, MAILBOX).contains(uidl), "an accepted UIDL is lost");
        assertTrue(AcceptedUidls.load(file, MAILBOX).size() <= 2);
    }
}
