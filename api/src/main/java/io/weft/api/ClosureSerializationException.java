package io.weft.api;

/**
 * A function passed to a transformation cannot be shipped to executors. Thrown when the transformation is
 * defined, before anything runs; the message names the operator, the lambda's implementing class and method, the
 * captured value that cannot be serialized, and the fix.
 */
public class ClosureSerializationException extends WeftException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the diagnosis
     * @param cause the serializer's failure
     */
    public ClosureSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
