package io.weft.conf;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may view an application's status pages: its owner, the users of {@code weft.ui.view.acls} and the members
 * of the groups of {@code weft.ui.view.acls.groups} ({@code *} in either: everyone). Enforced only when
 * {@code weft.acls.enable} is true; then the same lists go to YARN as the application's VIEW_APP ACL, so the
 * ResourceManager, its web proxy and {@code yarn logs} apply them too. Immutable and thread-safe.
 *
 * @param enabled whether access is checked at all
 * @param owner the user who owns the application (always allowed)
 * @param users users allowed to view
 * @param groups groups whose members may view
 */
public record ViewAcls(boolean enabled, String owner, Set<String> users, Set<String> groups) {

    /** Matches every user or group. */
    public static final String EVERYONE = "*";

    /** Compact constructor: copies the sets. */
    public ViewAcls {
        users = Set.copyOf(users);
        groups = Set.copyOf(groups);
    }

    /**
     * @param conf the application's settings
     * @param owner the user who owns the application
     * @return its view ACLs
     */
    public static ViewAcls of(WeftConf conf, String owner) {
        return new ViewAcls(conf.get(UiSecurityKeys.ACLS_ENABLE), owner,
                list(conf.get(UiSecurityKeys.UI_VIEW_ACLS)), list(conf.get(UiSecurityKeys.UI_VIEW_ACLS_GROUPS)));
    }

    private static Set<String> list(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /**
     * @param user the authenticated user, or null when no one is authenticated
     * @param userGroups that user's groups (consulted only when the user is not listed by name)
     * @return whether the user may view: always when checks are off; never for an unknown user when they are on
     */
    public boolean allows(String user, Collection<String> userGroups) {
        if (!enabled || users.contains(EVERYONE) || groups.contains(EVERYONE)) {
            return true;
        }
        if (user == null) {
            return false;
        }
        if (user.equals(owner) || users.contains(user)) {
            return true;
        }
        return userGroups.stream().anyMatch(groups::contains);
    }

    /**
     * @return the lists in YARN's access control list syntax: comma-separated users, a space, comma-separated
     *     groups ({@code *} alone for everyone); the owner first
     */
    public String yarnAcl() {
        if (users.contains(EVERYONE) || groups.contains(EVERYONE)) {
            return EVERYONE;
        }
        Set<String> named = new LinkedHashSet<>();
        if (owner != null) {
            named.add(owner);
        }
        named.addAll(users.stream().sorted().toList());
        return String.join(",", named) + " " + String.join(",", List.copyOf(groups).stream().sorted().toList());
    }
}
