package io.weft.conf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps {@code docs/configuration.md} and the code's keys in step, both ways: every key the code defines is
 * documented, and every key the page documents is one the code knows (a documented key that does nothing is as
 * misleading as an undocumented one). A key is documented by a table row that starts with it in backticks.
 */
public final class ConfigDocs {

    private static final Pattern ROW_KEY = Pattern.compile("(?m)^\\|\\s*`(weft\\.[^`]+)`\\s*\\|");

    private ConfigDocs() {
    }

    /**
     * @param markdown the page's text
     * @return the keys its table rows document
     */
    public static Set<String> documentedKeys(String markdown) {
        Set<String> keys = new TreeSet<>();
        Matcher matcher = ROW_KEY.matcher(markdown);
        while (matcher.find()) {
            keys.add(matcher.group(1));
        }
        return keys;
    }

    /**
     * @param keys every key the code defines
     * @param markdown the page's text
     * @return one sentence per disagreement; empty when code and page agree
     */
    public static List<String> problems(Collection<ConfigKey<?>> keys, String markdown) {
        Set<String> documented = documentedKeys(markdown);
        Set<String> defined = new TreeSet<>();
        keys.forEach(key -> defined.add(key.name()));
        List<String> problems = new ArrayList<>();
        for (String name : defined) {
            if (!documented.contains(name)) {
                problems.add(name + " is defined in the code but docs/configuration.md has no row for it");
            }
        }
        for (String name : documented) {
            if (!defined.contains(name)) {
                problems.add("docs/configuration.md documents " + name + ", which no code defines");
            }
        }
        return problems;
    }
}
