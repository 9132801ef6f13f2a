package io.mfpoauth.mail.pop.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.mfpoauth.mail.MailArchive;
import io.mfpoauth.mail.MailReceiver;
import io.mfpoauth.mail.ReceivedMail;
import io.mfpoauth.mail.StoredMessage;

/**
 * The default receiver, and the archive of what it kept: each message as {@code <data>/mail/pop-<id>/<message>.eml},
 * with an index file per folder ({@value #INDEX}, one message a line) that is replaced atomically. A message is
 * copied to a temporary file in the folder, forced to the disk and renamed into place before the index names it and
 * before {@link #receive} returns (which allows the server copy to be deleted). Ranked low, so that the firmware's
 * receivers (fax printing) get each message first.
 *
 * <p>A message whose UIDL or Message-ID the index already holds is not written again: it is the same message
 * offered once more after the device stopped between accepting and deleting it, or after another receiver refused it.
 */
@Component(service = {MailReceiver.class, MailArchive.class},
        property = Constants.SERVICE_RANKING + ":Integer=" + EmlArchive.RANKING)
public final class EmlArchive implements MailReceiver, MailArchive {
    static final int RANKING = -100;
    static final String INDEX = "index.txt";
    private static final Pattern POP_ID = Pattern.compile("[a-z0-9-]{1,32}");
    /** The archive's ids: UTC time to the millisecond, then a sequence number; sortable and safe as file names. */
    private static final Pattern ID = Pattern.compile("\\d{8}-\\d{9}-[0-9a-f]{4}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmssSSS")
            .withZone(ZoneOffset.UTC);
    private static final String INCOMING = ".incoming-";

    private final Path mailFolder;
    private final Log log;
    private final AtomicInteger sequence = new AtomicInteger(new SecureRandom().nextInt());
    private final ConcurrentHashMap<String, Object> folderLocks = new ConcurrentHashMap<>();

    @Activate
    public EmlArchive(BundleContext context, @Reference(service = LoggerFactory.class) Logger logger) {
        this(DataFolder.mail(context), Log.of(logger));
    }

    EmlArchive(Path mailFolder, Log log) {
        this.mailFolder = mailFolder;
        this.log = log;
        removeLeftovers();
    }

    @Override
    public void receive(ReceivedMail mail) throws IOException {
        String popId = mail.popId();
        if (!isPopId(popId)) {
            throw new IllegalArgumentException("A POP setting id must match [a-z0-9-]{1,32}");
        }
        synchronized (folderLocks.computeIfAbsent(popId, k -> new Object())) {
            Path folder = folder(popId);
            for (StoredMessage kept : read(folder)) {
                // The same UIDL and the same Message-ID: the message again after a crash. Neither alone, as
                // senders reuse Message-IDs (a scanner after a reboot) and another mailbox may reuse a UIDL.
                if (kept.uidl.equals(mail.uidl()) && java.util.Objects.equals(kept.messageId, mail.messageId())) {
                    log.info("POP " + popId + ": message " + mail.uidl() + " is already kept as " + kept.id + ".");
                    return;
                }
            }
            keep(folder, mail);
        }
    }

    private void keep(Path folder, ReceivedMail mail) throws IOException {
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, INCOMING, ".tmp");
        Path target = null;
        try {
            long size;
            try (InputStream in = mail.open()) {
                size = AtomicFiles.copyDurably(in, temp);
            }
            StoredMessage stored = new StoredMessage();
            stored.receivedAt = System.currentTimeMillis();
            stored.id = newId(folder, stored.receivedAt);
            stored.size = size;
            stored.uidl = mail.uidl();
            stored.messageId = mail.messageId();
            stored.from = mail.from();
            stored.subject = mail.subject();
            target = folder.resolve(stored.id + ".eml");
            AtomicFiles.moveInto(temp, target);
            Path index = folder.resolve(INDEX);
            AtomicFiles.write(index, out -> {
                if (Files.exists(index)) {
                    Files.copy(index, out);
                }
                out.write((IndexLine.format(stored) + "\n").getBytes(StandardCharsets.UTF_8));
            });
            target = null;
            log.info("POP " + mail.popId() + ": message " + stored.uidl + " kept as " + stored.id + " (" + size
                    + " bytes).");
        } finally {
            Files.deleteIfExists(temp);
            if (target != null) {
                // The index does not name it: no message is half kept.
                Files.deleteIfExists(target);
            }
        }
    }

    @Override
    public List<StoredMessage> messages(String popId) {
        if (!isPopId(popId)) {
            return List.of();
        }
        try {
            return read(folder(popId));
        } catch (IOException e) {
            log.warn("POP " + popId + ": the archive index cannot be read: " + e.getMessage());
            return List.of();
        }
    }

    @Override
    public InputStream open(String popId, String messageId) throws IOException {
        if (!isPopId(popId) || messageId == null || !ID.matcher(messageId).matches()) {
            return null;
        }
        try {
            return Files.newInputStream(folder(popId).resolve(messageId + ".eml"));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private Path folder(String popId) {
        return mailFolder.resolve("pop-" + popId);
    }

    private String newId(Path folder, long now) {
        String stamp = STAMP.format(Instant.ofEpochMilli(now));
        while (true) {
            String id = stamp + "-" + String.format("%04x", sequence.getAndIncrement() & 0xffff);
            if (!Files.exists(folder.resolve(id + ".eml"))) {
                return id;
            }
        }
    }

    /** The index, oldest first (the order messages were kept in). */
    private static List<StoredMessage> read(Path folder) throws IOException {
        List<StoredMessage> messages = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(folder.resolve(INDEX), StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                StoredMessage message = IndexLine.parse(line);
                if (message != null && ID.matcher(message.id).matches()) {
                    messages.add(message);
                }
            }
        } catch (NoSuchFileException e) {
            // nothing kept yet
        }
        return messages;
    }

    private static boolean isPopId(String popId) {
        return popId != null && POP_ID.matcher(popId).matches();
    }

    /** Copies that a stopped device left half written: the index never named them. */
    private void removeLeftovers() {
        if (!Files.isDirectory(mailFolder)) {
            return;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(mailFolder, "pop-*")) {
            for (Path folder : folders) {
                if (Files.isDirectory(folder)) {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, ".{incoming,write}-*.tmp")) {
                        for (Path file : files) {
                            Files.deleteIfExists(file);
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.warn("The mail archive in " + mailFolder + " cannot be tidied: " + e.getMessage());
        }
    }

    /** One index line: tab-separated fields, with backslash, tab and line ends escaped. */
    static final class IndexLine {
        private IndexLine() {
        }

        static String format(StoredMessage m) {
            return String.join("\t", m.id, Long.toString(m.receivedAt), Long.toString(m.size), escape(m.uidl),
                    escape(m.messageId), escape(m.from), escape(m.subject));
        }

        /** @return the message, or null for a line that is not one */
        static StoredMessage parse(String line) {
            String[] fields = line.split("\t", -1);
            if (fields.length != 7) {
                return null;
            }
            try {
                StoredMessage m = new StoredMessage();
                m.id = fields[0];
                m.receivedAt = Long.parseLong(fields[1]);
                m.size = Long.parseLong(fields[2]);
                m.uidl = unescape(fields[3]);
                m.messageId = unescape(fields[4]);
                m.from = unescape(fields[5]);
                m.subject = unescape(fields[6]);
                return m.uidl == null ? null : m;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static String escape(String value) {
            if (value == null) {
                return "";
            }
            StringBuilder out = new StringBuilder(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(c);
                }
            }
            return out.toString();
        }

        private static String unescape(String value) {
            if (value.isEmpty()) {
                return null;
            }
            StringBuilder out = new StringBuilder(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    char next = value.charAt(++i);
                    out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}
