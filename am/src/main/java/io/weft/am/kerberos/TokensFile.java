package io.weft.am.kerberos;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.Credentials;

/**
 * Client mode: how the driver (in the submitting JVM) passes refreshed delegation tokens to the launcher
 * ApplicationMaster, which launches executor containers with them: a file in the application's staging directory
 * (0700), written 0600 under a temporary name and renamed. Not thread-safe: one writer (the driver's refresher
 * thread) and one reader (the launcher's main thread), each with its own instance.
 */
public final class TokensFile {

    static final String NAME = "weft-tokens";

    private final FileSystem fs;
    private final Path path;
    private long lastRead = -1;

    /**
     * @param fs the staging directory's file system, as the application's user
     * @param stagingDir the application's staging directory
     */
    public TokensFile(FileSystem fs, Path stagingDir) {
        this.fs = fs;
        this.path = new Path(stagingDir, NAME);
    }

    /**
     * @param tokens serialized with {@link TokenRefresher#serialize}
     * @throws IOException when the file cannot be written
     */
    public void write(byte[] tokens) throws IOException {
        Path temp = new Path(path.getParent(), "." + NAME + "." + System.nanoTime());
        try (var out = fs.create(temp, new FsPermission((short) 0600), true, 4096, fs.getDefaultReplication(temp),
                fs.getDefaultBlockSize(temp), null)) {
            out.write(tokens);
        }
        fs.rename(temp, path);
        if (fs.exists(temp)) {
            // rename does not replace on HDFS: remove the old file and try once more
            fs.delete(path, false);
            if (!fs.rename(temp, path)) {
                fs.delete(temp, false);
                throw new IOException("could not rename " + temp + " to " + path);
            }
        }
    }

    /**
     * @return the tokens, if the file was written since the last call
     * @throws IOException when it exists but cannot be read
     */
    public Optional<Credentials> readIfChanged() throws IOException {
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
        if (status.getModificationTime() == lastRead) {
            return Optional.empty();
        }
        byte[] bytes;
        try (var in = fs.open(path)) {
            bytes = in.readAllBytes();
        }
        lastRead = status.getModificationTime();
        return Optional.of(TokenRefresher.deserialize(bytes));
    }
}
