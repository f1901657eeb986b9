package io.weft.it.secure;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.hadoop.minikdc.MiniKdc;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * A MiniKdc (Apache Kerby, in this JVM) with the principals the secure mini clusters and their users need.
 *
 * <p>All daemons share one service principal, {@code hdfs/localhost}: a Hadoop daemon logs in with
 * {@code UserGroupInformation.loginUserFromKeytab}, which replaces the JVM-wide login user, and every RPC server
 * accepts Kerberos connections as whatever the login user is at that moment. With two service principals in one JVM,
 * the daemon started last would answer for all of them and clients expecting the other principal would fail.
 * Users ({@code alice}, {@code bob}) have keytabs of their own and act only through
 * {@link #login(String)}'s UGIs, never as the JVM's login user.
 */
public final class TestKdc implements AutoCloseable {

    /** The one service principal (without realm) of every daemon. */
    public static final String SERVICE = "hdfs/localhost";

    private final MiniKdc kdc;
    private final File serviceKeytab;
    private final Path dir;

    private TestKdc(MiniKdc kdc, Path dir, File serviceKeytab) {
        this.kdc = kdc;
        this.dir = dir;
        this.serviceKeytab = serviceKeytab;
    }

    /**
     * Starts a KDC working in {@code dir} and creates the service principal (with {@code HTTP/localhost} for
     * SPNEGO in the same keytab) and the user principals {@code alice} and {@code bob}.
     * Sets the JVM's {@code java.security.krb5.conf} to the KDC's (MiniKdc does so on start).
     */
    public static TestKdc start(Path dir) throws Exception {
        Properties conf = MiniKdc.createConf();
        // Tickets outlive every test; token lifetimes are what the tests shorten.
        conf.setProperty(MiniKdc.MAX_TICKET_LIFETIME, "3600000");
        MiniKdc kdc = new MiniKdc(conf, dir.toFile());
        kdc.start();
        File serviceKeytab = dir.resolve("service.keytab").toFile();
        kdc.createPrincipal(serviceKeytab, SERVICE, "HTTP/localhost");
        for (String user : new String[] {"alice", "bob"}) {
            kdc.createPrincipal(dir.resolve(user + ".keytab").toFile(), user);
        }
        return new TestKdc(kdc, dir, serviceKeytab);
    }

    public String realm() {
        return kdc.getRealm();
    }

    /** @return {@code name@REALM} */
    public String principal(String name) {
        return name + "@" + kdc.getRealm();
    }

    public File serviceKeytab() {
        return serviceKeytab;
    }

    public File userKeytab(String user) {
        return dir.resolve(user + ".keytab").toFile();
    }

    public File krb5conf() {
        return kdc.getKrb5conf();
    }

    /** A fresh UGI logged in from {@code user}'s keytab; not the JVM's login user. */
    public UserGroupInformation login(String user) throws IOException {
        return UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal(user), userKeytab(user).getPath());
    }

    @Override
    public void close() {
        kdc.stop();
    }
}
