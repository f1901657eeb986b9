package io.weft.conf;

import io.weft.api.WeftException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The comma-separated lists of things shipped with a job ({@code weft.jars}, {@code weft.files},
 * {@code weft.archives}, spark-submit's {@code --jars}, {@code --files}, {@code --archives}): each entry a local
 * path or a Hadoop URI, optionally followed by {@code #name}, the name it gets in a container's working directory.
 */
public final class ShipList {

    private ShipList() {
    }

    /**
     * One shipped path.
     *
     * @param source the path as given, without the {@code #name} part
     * @param linkName the name in the container's working directory: the alias, else the path's last segment
     * @param local whether {@code source} is on this machine (no scheme, or {@code file:})
     */
    public record Entry(String source, String linkName, boolean local) {
    }

    /**
     * @param list the setting's value (may be null or empty)
     * @return its entries, in order
     * @throws WeftException when an entry is malformed (empty name, bad URI)
     */
    public static List<Entry> parse(String list) {
        List<Entry> entries = new ArrayList<>();
        if (list == null) {
            return entries;
        }
        for (String raw : list.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            int hash = item.lastIndexOf('#');
            String source = hash < 0 ? item : item.substring(0, hash);
            String alias = hash < 0 ? null : item.substring(hash + 1);
            String scheme;
            try {
                scheme = new URI(source.replace(" ", "%20")).getScheme();
            } catch (URISyntaxException e) {
                throw new WeftException("Cannot ship '" + item + "': " + e.getMessage()
                        + ". Fix: give a local path or a Hadoop URI such as hdfs:///libs/x.jar.");
            }
            String path = source.replaceAll("/+$", "");
            String name = alias != null ? alias : path.substring(path.lastIndexOf('/') + 1);
            if (source.isEmpty() || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                throw new WeftException("Cannot ship '" + item + "': it names no file, or its name after '#' is not"
                        + " a plain file name. Fix: give path or path#name, where name has no '/'.");
            }
            entries.add(new Entry(source, name, scheme == null || scheme.equals("file")));
        }
        return entries;
    }

    /**
     * Checks that no two entries land under the same name in a container's working directory.
     *
     * @param entries entries of lists that share a directory (files and archives)
     * @throws WeftException naming both paths and the name they share
     */
    public static void checkUniqueNames(List<Entry> entries) {
        Map<String, Entry> byName = new HashMap<>();
        for (Entry entry : entries) {
            Entry earlier = byName.putIfAbsent(entry.linkName(), entry);
            if (earlier != null) {
                throw new WeftException("Two shipped files would both be named '" + entry.linkName()
                        + "' in the containers' working directory: " + earlier.source() + " and " + entry.source()
                        + ". Fix: rename one with path#othername.");
            }
        }
    }
}
