package io.weft.conf;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The one rule for which settings are credentials: every place that shows or records settings (the status pages,
 * the JSON API, the event log, error messages about a value) masks the values it selects, so a credential never
 * leaves the process that needs it in a readable form.
 *
 * <p>A setting is masked when its key matches the built-in rule, case-insensitively: it contains {@code secret},
 * {@code password}, {@code passwd}, {@code token}, {@code credential}, {@code access.key} (or {@code accesskey},
 * {@code access_key}, {@code access-key}), {@code private.key} (same separators), {@code account.key} (Azure's
 * {@code fs.azure.account.key.<account>}) or {@code jaas.config}, or its last segment is {@code key}
 * ({@code fs.s3a.secret.key}, {@code fs.s3a.encryption.key}). The built-in rule cannot be switched off. On top of
 * it {@code weft.redaction.regex} adds a pattern (Java syntax, searched, not matched whole) that masks a setting
 * when it is found in the key or in the value (for URLs that carry a password, for example). Keytab paths are not
 * masked: a path grants nothing without the file, and it helps diagnose a failed login.
 *
 * <p>Immutable and thread-safe.
 */
public final class Redaction {

    /** What a masked value is replaced by. */
    public static final String MASK = "********";

    private static final Pattern BUILT_IN = Pattern.compile("(?i)secret|password|passwd|token|credential"
            + "|access[._-]?key|private[._-]?key|account\\.key|jaas\\.config|(^|\\.)key$");

    private static final Redaction BUILT_IN_ONLY = new Redaction(null);

    private final Pattern extra;

    private Redaction(Pattern extra) {
        this.extra = extra;
    }

    /** @return the built-in rule alone, for places that have no settings to read the extra pattern from */
    public static Redaction builtIn() {
        return BUILT_IN_ONLY;
    }

    /**
     * @param settings settings that may hold {@code weft.redaction.regex}
     * @return the built-in rule plus that pattern, when set
     * @throws io.weft.api.WeftException when the pattern does not compile, naming the key
     */
    public static Redaction of(Map<String, String> settings) {
        String regex = settings.get(UiSecurityKeys.REDACTION_REGEX.name());
        return regex == null || regex.isBlank() ? BUILT_IN_ONLY
                : new Redaction(UiSecurityKeys.REDACTION_REGEX.parse(regex));
    }

    /**
     * @param regex a pattern in Java syntax
     * @return the compiled pattern
     * @throws IllegalArgumentException when it does not compile
     */
    static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getDescription() + " at index " + e.getIndex(), e);
        }
    }

    /**
     * @param key a setting's name
     * @return whether the built-in rule masks it, whatever its value
     */
    public static boolean isSecretKey(String key) {
        return BUILT_IN.matcher(key).find();
    }

    /**
     * @param key a setting's name
     * @param value its value, or null
     * @return whether the value must not be shown
     */
    public boolean masks(String key, String value) {
        if (isSecretKey(key)) {
            return true;
        }
        return extra != null && (extra.matcher(key).find() || (value != null && extra.matcher(value).find()));
    }

    /**
     * @param key a setting's name
     * @param value its value, or null
     * @return the value, or {@link #MASK} when it must not be shown
     */
    public String value(String key, String value) {
        return masks(key, value) ? MASK : value;
    }

    /**
     * @param settings some settings
     * @return a sorted copy with the values that must not be shown replaced by {@link #MASK}
     */
    public Map<String, String> mask(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((key, value) -> out.put(key, value(key, value)));
        return out;
    }
}
