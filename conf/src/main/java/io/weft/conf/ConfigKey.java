package io.weft.conf;

import java.util.function.Function;

/**
 * One {@code weft.*} setting: its name, default, parser and documentation.
 *
 * @param name the key
 * @param defaultValue the default as written in configuration ({@code null}: none, or computed at run time)
 * @param expectedForm what a valid value looks like, for error messages
 * @param parser turns the text into a value; throws {@link IllegalArgumentException} on malformed text
 * @param doc what the setting does
 * @param <T> the value type
 */
public record ConfigKey<T>(String name, String defaultValue, String expectedForm, Function<String, T> parser,
        String doc) {

    /**
     * @param text the configured text
     * @return the parsed value
     * @throws io.weft.api.WeftException naming the key and the expected form when the text is malformed; the text
     *     itself only when {@link Redaction#isSecretKey} does not select the key
     */
    public T parse(String text) {
        try {
            return parser.apply(text.trim());
        } catch (RuntimeException e) {
            // A parser's message may quote the value: neither is shown for a credential.
            boolean secret = Redaction.isSecretKey(name);
            throw new io.weft.api.WeftException("Invalid value '" + (secret ? Redaction.MASK : text) + "' for " + name
                    + ": expected " + expectedForm
                    + (e.getMessage() == null || secret ? "" : " (" + e.getMessage() + ")"));
        }
    }
}
