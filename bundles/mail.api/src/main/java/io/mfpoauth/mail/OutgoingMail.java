package io.mfpoauth.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * A message to send: recipients, subject, text and attachments. The sender is always the configured one.
 * Addresses are checked by the sender when the message is sent.
 */
public final class OutgoingMail {
    private final List<String> to;
    private final List<String> cc;
    private final String subject;
    private final String text;
    private final List<Attachment> attachments;

    private OutgoingMail(Builder builder) {
        this.to = List.copyOf(builder.to);
        this.cc = List.copyOf(builder.cc);
        this.subject = builder.subject == null ? "" : builder.subject;
        this.text = builder.text == null ? "" : builder.text;
        this.attachments = List.copyOf(builder.attachments);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> to() {
        return to;
    }

    public List<String> cc() {
        return cc;
    }

    public String subject() {
        return subject;
    }

    public String text() {
        return text;
    }

    public List<Attachment> attachments() {
        return attachments;
    }

    @Override
    public String toString() {
        return "OutgoingMail[to=" + to + ", cc=" + cc + ", subject=" + subject + ", attachments=" + attachments + "]";
    }

    /** Collects the parts of a message. */
    public static final class Builder {
        private final List<String> to = new ArrayList<>();
        private final List<String> cc = new ArrayList<>();
        private String subject;
        private String text;
        private final List<Attachment> attachments = new ArrayList<>();

        private Builder() {
        }

        public Builder to(String... addresses) {
            to.addAll(List.of(addresses));
            return this;
        }

        public Builder cc(String... addresses) {
            cc.addAll(List.of(addresses));
            return this;
        }

        public Builder subject(String value) {
            this.subject = value;
            return this;
        }

        public Builder text(String value) {
            this.text = value;
            return this;
        }

        public Builder attach(Attachment attachment) {
            attachments.add(attachment);
            return this;
        }

        /** @throws IllegalArgumentException when there is no recipient */
        public OutgoingMail build() {
            if (to.isEmpty() && cc.isEmpty()) {
                throw new IllegalArgumentException("A message needs at least one recipient");
            }
            return new OutgoingMail(this);
        }
    }
}
