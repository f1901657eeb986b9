package io.weft.am.submit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Checks, before submission, that the inputs a program declares exist: a missing input should cost no container. */
final class InputPaths {

    private InputPaths() {
    }

    /**
     * @param paths paths or globs, relative ones resolved against the default file system's working directory
     * @param conf the cluster's configuration
     * @return the fully qualified paths that match nothing, in the order given
     * @throws UncheckedIOException when a file system cannot be reached
     */
    static List<String> missing(List<String> paths, Configuration conf) {
        List<String> missing = new ArrayList<>();
        for (String text : paths) {
            Path path = new Path(text);
            try {
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    missing.add(fs.makeQualified(path).toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot check the input " + text + ": " + e.getMessage(), e);
            }
        }
        return missing;
    }
}
