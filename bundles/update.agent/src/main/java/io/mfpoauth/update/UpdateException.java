package io.mfpoauth.update;

/**
 * A feature archive was refused, or installing or removing a feature failed and was undone. The message is written
 * for the device administrator: it says what was refused or which bundle failed and why, and never holds a stack
 * trace.
 */
public class UpdateException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String featureId;
    private final String bundle;

    public UpdateException(String message) {
        this(message, null, null, null);
    }

    public UpdateException(String message, Throwable cause) {
        this(message, null, null, cause);
    }

    public UpdateException(String message, String featureId, String bundle, Throwable cause) {
        super(message, cause);
        this.featureId = featureId;
        this.bundle = bundle;
    }

    /** The id of the feature concerned, or null when the archive could not be read far enough to know it. */
    public String featureId() {
        return featureId;
    }

    /** The symbolic name of the bundle that failed to resolve or start, or null when no bundle is to blame. */
    public String bundle() {
        return bundle;
    }
}
