package io.weft.conf;

import java.util.List;

/**
 * The settings that protect what the status pages and the history server show: credential masking, view ACLs,
 * and the history server's address and SPNEGO login. Kept apart from {@link ConfigKeys} so that the security keys
 * read together; found like every {@link ConfigKeySet} through {@code META-INF/services}.
 */
public final class UiSecurityKeys implements ConfigKeySet {

    /** Extra pattern of settings to mask. */
    public static final ConfigKey<java.util.regex.Pattern> REDACTION_REGEX = new ConfigKey<>("weft.redaction.regex",
            null, "a Java regular expression", Redaction::compile,
            "Extra pattern (Java syntax, searched in the key and in the value) of settings whose values the status"
                    + " pages, the JSON API, the event log and error messages mask. Always masked in addition:"
                    + " keys containing secret, password, passwd, token, credential, access.key, private.key,"
                    + " account.key or jaas.config, and keys whose last segment is key (fs.s3a.secret.key).");

    /** Whether view ACLs are enforced. */
    public static final ConfigKey<Boolean> ACLS_ENABLE = ConfigKeys.bool("weft.acls.enable", "false",
            "Whether only the owner, weft.ui.view.acls and weft.ui.view.acls.groups may view the application: the"
                    + " driver's UI answers 403 to anyone else (and to requests whose user the proxy did not name),"
                    + " and YARN gets the same lists as the application's VIEW_APP ACL.");

    /** Users who may view. */
    public static final ConfigKey<String> UI_VIEW_ACLS = ConfigKeys.string("weft.ui.view.acls", null,
            "Comma-separated users who may view the application's UI besides its owner; * for everyone.");

    /** Groups who may view. */
    public static final ConfigKey<String> UI_VIEW_ACLS_GROUPS = ConfigKeys.string("weft.ui.view.acls.groups", null,
            "Comma-separated groups whose members may view the application's UI; * for everyone. Groups are"
                    + " resolved with Hadoop's group mapping (hadoop.security.group.mapping).");

    /** The history server's listening address. */
    public static final ConfigKey<String> HISTORY_BIND_ADDRESS = ConfigKeys.string("weft.history.bindAddress",
            null, "Address the history server listens on (the history command's --host overrides it). Default: the"
                    + " local host name, not every interface; 0.0.0.0 listens everywhere.");

    /** The history server's SPNEGO principal. */
    public static final ConfigKey<String> HISTORY_SPNEGO_PRINCIPAL = ConfigKeys.string(
            "weft.history.spnego.principal", null,
            "Kerberos principal (HTTP/host@REALM; _HOST is replaced by the server's host name) with which the"
                    + " history server authenticates browsers by SPNEGO. Set together with"
                    + " weft.history.spnego.keytab; unset: no authentication.");

    /** The history server's SPNEGO keytab. */
    public static final ConfigKey<String> HISTORY_SPNEGO_KEYTAB = ConfigKeys.string("weft.history.spnego.keytab",
            null, "Local keytab file holding weft.history.spnego.principal's key.");

    /** All of them. */
    public static final List<ConfigKey<?>> ALL = List.of(REDACTION_REGEX, ACLS_ENABLE, UI_VIEW_ACLS,
            UI_VIEW_ACLS_GROUPS, HISTORY_BIND_ADDRESS, HISTORY_SPNEGO_PRINCIPAL, HISTORY_SPNEGO_KEYTAB);

    @Override
    public List<ConfigKey<?>> keys() {
        return ALL;
    }
}
