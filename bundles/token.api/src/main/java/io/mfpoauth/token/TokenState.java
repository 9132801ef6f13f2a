package io.mfpoauth.token;

/**
 * The four states a token slot shows on every setting screen, with the labels of the device manual.
 */
public enum TokenState {
    /** No token has been obtained. */
    NOT_RETRIEVED("Non recuperato", "Not retrieved"),
    /** The provider has granted authorization, but the device has not finished obtaining the token. */
    AWAITING_AUTHORIZATION("In attesa di autorizzazione", "Awaiting authorization"),
    /** The token has been obtained and is active. */
    RETRIEVED("Recuperato", "Retrieved"),
    /** A token was obtained, but the account is unavailable or the token expired and cannot be renewed. */
    INVALID("Non valido", "Invalid");

    private final String italian;
    private final String english;

    TokenState(String italian, String english) {
        this.italian = italian;
        this.english = english;
    }

    /** The label shown by the Italian user interface, exactly as in the manual. */
    public String italian() {
        return italian;
    }

    /** The English label. */
    public String english() {
        return english;
    }
}
