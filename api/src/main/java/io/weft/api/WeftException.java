package io.weft.api;

/** The base of Weft's own unchecked exceptions: something the user can act on, named in the message. */
public class WeftException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and how to fix it
     */
    public WeftException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause the underlying failure
     */
    public WeftException(String message, Throwable cause) {
        super(message, cause);
    }
}
