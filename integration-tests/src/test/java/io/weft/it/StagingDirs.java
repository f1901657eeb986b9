package io.weft.it;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What the tests see of a staging root: which applications have a directory there. */
final class StagingDirs {

    private StagingDirs() {
    }

    /**
     * @param fs the cluster's file system
     * @param staging the staging root
     * @return the names of the application directories (not the private jar cache) under it; empty if it is missing
     * @throws IOException when it cannot be listed
     */
    static Set<String> applicationDirs(FileSystem fs, Path staging) throws IOException {
        Set<String> names = new TreeSet<>();
        if (fs.exists(staging)) {
            for (FileStatus status : fs.listStatus(staging)) {
                if (status.getPath().getName().startsWith("application_")) {
                    names.add(status.getPath().getName());
                }
            }
        }
        return names;
    }
}
