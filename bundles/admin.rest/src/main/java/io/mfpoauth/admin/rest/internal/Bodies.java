package io.mfpoauth.admin.rest.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Request bodies with a hard size cap: a declared Content-Length over the cap is refused before anything is read, and
 * a body without one is cut at the cap (413 either way), so no request can fill the heap or the flash.
 */
final class Bodies {
    /** Any JSON body but a mail's. */
    static final long JSON_LIMIT = 64 * 1024;
    /** A feature archive (POST /api/v1/features). */
    static final long FEATURE_LIMIT = 32L * 1024 * 1024;
    /** A mail with its attachments in base64 (POST /api/v1/mail). */
    static final long MAIL_LIMIT = 40L * 1024 * 1024;

    static final String JSON = "application/json";

    private Bodies() {
    }

    /** The body went past its cap while it was read. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        TooLarge(long limit) {
            super("The body is larger than " + describe(limit));
            this.limit = limit;
        }

        ApiException answer() {
            return ApiException.tooLarge(limit);
        }
    }

    /** 415 unless the Content-Type's media type (parameters aside, any case) is one of {@code accepted}. */
    static void requireType(String contentType, String... accepted) throws ApiException {
        String media = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (String type : accepted) {
            if (type.equals(media)) {
                return;
            }
        }
        throw ApiException.unsupportedType(String.join(" or ", accepted));
    }

    /** 413 at once when the declared length (-1: none) is over the cap. */
    static void checkDeclared(long declaredLength, long limit) throws ApiException {
        if (declaredLength > limit) {
            throw ApiException.tooLarge(limit);
        }
    }

    /** The whole body, at most {@code limit} bytes. */
    static byte[] read(InputStream in, long declaredLength, long limit) throws ApiException, IOException {
        checkDeclared(declaredLength, limit);
        try (InputStream body = limited(in, limit)) {
            return body.readAllBytes();
        } catch (TooLarge e) {
            throw e.answer();
        }
    }

    /** Copies the body to {@code file}, at most {@code limit} bytes. */
    static void copy(InputStream in, long declaredLength, long limit, Path file) throws ApiException, IOException {
        checkDeclared(declaredLength, limit);
        try (InputStream body = limited(in, limit); OutputStream out = Files.newOutputStream(file)) {
            body.transferTo(out);
        } catch (TooLarge e) {
            throw e.answer();
        }
    }

    /** A stream that throws {@link TooLarge} as soon as more than {@code limit} bytes were asked of it. */
    static InputStream limited(InputStream in, long limit) {
        return new FilterInputStream(in) {
            private long left = limit;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                count(skipped);
                return skipped;
            }

            private void count(long n) throws TooLarge {
                left -= n;
                if (left < 0) {
                    throw new TooLarge(limit);
                }
            }
        };
    }

    /** {@code 64 KiB}, {@code 32 MiB}. */
    static String describe(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " bytes";
    }
}
