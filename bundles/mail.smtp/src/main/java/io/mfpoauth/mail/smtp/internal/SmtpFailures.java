package io.mfpoauth.mail.smtp.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.mail.MessagingException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.auth.Failures;
import io.mfpoauth.mail.auth.Failures.SmtpPhase;

/**
 * Maps what Jakarta Mail throws to the {@link MailFailure} the administrator sees. Jakarta Mail wraps: a refused
 * sender is the next exception of a send failure, a socket timeout the cause of a "could not connect", so the whole
 * chain is searched, most telling exception first.
 */
final class SmtpFailures {
    private static final String NO_STARTTLS = "STARTTLS is required but host does not support STARTTLS";

    private SmtpFailures() {
    }

    /**
     * @param server    {@code host:port}, for the message
     * @param lastReply the server's last reply line, used when the exception carries none
     */
    static MailException of(MessagingException fault, String server, int lastCode, String lastReply) {
        List<Throwable> chain = chain(fault);
        for (Throwable t : chain) {
            if (t instanceof AttachmentSource.UnreadableAttachment) {
                return new MailException(MailFailure.BAD_MESSAGE, Failures.printable(t.getMessage())
                        + "; the message was not sent.", null, fault);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SMTPSenderFailedException) {
                SMTPSenderFailedException e = (SMTPSenderFailedException) t;
                return refused(SmtpPhase.MAIL_FROM, e.getReturnCode(), e.getMessage(), server, null);
            }
            if (t instanceof SMTPAddressFailedException) {
                SMTPAddressFailedException e = (SMTPAddressFailedException) t;
                return refused(SmtpPhase.RCPT_TO, e.getReturnCode(), e.getMessage(), server,
                        e.getAddress() == null ? null : e.getAddress().getAddress());
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SMTPSendFailedException) {
                SMTPSendFailedException e = (SMTPSendFailedException) t;
                return refused(phase(e.getCommand()), e.getReturnCode(), e.getMessage(), server, null);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof MailConnectException || t instanceof IOException) {
                return Failures.network(fault, server);
            }
        }
        if (fault.getMessage() != null && fault.getMessage().contains(NO_STARTTLS)) {
            return new MailException(MailFailure.STARTTLS_UNAVAILABLE, "Mail server " + server + ": "
                    + MailFailure.STARTTLS_UNAVAILABLE.advice(), null, fault);
        }
        if (lastCode >= 400) {
            return Failures.reply(Failures.smtpSend(SmtpPhase.CONNECT, lastCode, lastReply), server, lastReply);
        }
        return new MailException(MailFailure.SERVER_ERROR, "Mail server " + server + ": "
                + Failures.printable(fault.getMessage()), lastReply, fault);
    }

    private static MailException refused(SmtpPhase phase, int code, String reply, String server, String address) {
        MailException e = Failures.reply(Failures.smtpSend(phase, code, reply), server, reply);
        if (address == null) {
            return e;
        }
        return new MailException(e.failure(), "Recipient " + address + ": " + e.getMessage(), e.serverReply(),
                e.getCause());
    }

    private static SmtpPhase phase(String command) {
        String c = command == null ? "" : command.trim().toUpperCase(Locale.ROOT);
        if (c.startsWith("MAIL")) {
            return SmtpPhase.MAIL_FROM;
        }
        if (c.startsWith("RCPT")) {
            return SmtpPhase.RCPT_TO;
        }
        return SmtpPhase.DATA;
    }

    /** The exception, its causes and (for MessagingException) its next exceptions, each once, nearest first. */
    private static List<Throwable> chain(Throwable fault) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> all = new ArrayList<>();
        Deque<Throwable> todo = new ArrayDeque<>(List.of(fault));
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            all.add(t);
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            if (t instanceof MessagingException && ((MessagingException) t).getNextException() != null) {
                todo.add(((MessagingException) t).getNextException());
            }
        }
        return all;
    }
}
