package io.weft.it.secure;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.apache.hadoop.conf.Configuration;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for {@code localhost} in a JKS key store, a trust store holding it, and the
 * {@code ssl-server.xml} / {@code ssl-client.xml} style resources Hadoop's HTTPS servers and clients read.
 *
 * <p>Hadoop loads those two resources by name from the class path ({@code dfs.https.server.keystore.resource},
 * {@code hadoop.ssl.server.conf}), not from a file path, so {@link #writeSslResources} writes them into a directory
 * that is on the test class path (the module's {@code target/test-classes}) under names unique to one run.
 */
public final class TestKeystores {

    private static final String PASSWORD = "weft-test";

    private final File keyStore;
    private final File trustStore;

    private TestKeystores(File keyStore, File trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /** Creates the key store and trust store in {@code dir}. */
    public static TestKeystores create(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X509Certificate certificate = selfSigned(pair);

        KeyStore keys = KeyStore.getInstance("JKS");
        keys.load(null, null);
        keys.setKeyEntry("server", pair.getPrivate(), PASSWORD.toCharArray(), new X509Certificate[] {certificate});
        File keyFile = dir.resolve("server.jks").toFile();
        save(keys, keyFile);

        KeyStore trusted = KeyStore.getInstance("JKS");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", certificate);
        File trustFile = dir.resolve("trust.jks").toFile();
        save(trusted, trustFile);
        return new TestKeystores(keyFile, trustFile);
    }

    /** A TLS context that trusts the certificate of the stores {@link #create} made in {@code dir}. */
    public static javax.net.ssl.SSLContext clientContext(Path dir) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("JKS");
        try (java.io.InputStream in = Files.newInputStream(dir.resolve("trust.jks"))) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static X509Certificate selfSigned(KeyPair pair) throws GeneralSecurityException, IOException {
        X500Name subject = new X500Name("CN=localhost, O=weft-test");
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now),
                new Date(now - 60_000), new Date(now + 86_400_000L), subject, pair.getPublic());
        // Both names the mini clusters use for themselves, so default host name verification passes.
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the test certificate", e);
        }
    }

    private static void save(KeyStore store, File file) throws IOException, GeneralSecurityException {
        try (OutputStream out = new FileOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
    }

    /**
     * Writes the server and client SSL resources into {@code classPathDir} and points {@code conf} at them
     * (HDFS's and Hadoop common's keys).
     *
     * @param prefix prefix of the resource names, unique to this run
     */
    public void writeSslResources(File classPathDir, String prefix, Configuration conf) throws IOException {
        String serverName = prefix + "-ssl-server.xml";
        String clientName = prefix + "-ssl-client.xml";
        Configuration server = new Configuration(false);
        server.set("ssl.server.keystore.location", keyStore.getAbsolutePath());
        server.set("ssl.server.keystore.password", PASSWORD);
        server.set("ssl.server.keystore.keypassword", PASSWORD);
        server.set("ssl.server.keystore.type", "jks");
        server.set("ssl.server.truststore.location", trustStore.getAbsolutePath());
        server.set("ssl.server.truststore.password", PASSWORD);
        server.set("ssl.server.truststore.type", "jks");
        write(server, new File(classPathDir, serverName));
        Configuration client = new Configuration(false);
        client.set("ssl.client.truststore.location", trustStore.getAbsolutePath());
        client.set("ssl.client.truststore.password", PASSWORD);
        client.set("ssl.client.truststore.type", "jks");
        write(client, new File(classPathDir, clientName));
        conf.set("dfs.https.server.keystore.resource", serverName);
        conf.set("dfs.client.https.keystore.resource", clientName);
        conf.set("hadoop.ssl.server.conf", serverName);
        conf.set("hadoop.ssl.client.conf", clientName);
    }

    private static void write(Configuration conf, File file) throws IOException {
        try (OutputStream out = new FileOutputStream(file)) {
            conf.writeXml(out);
        }
    }
}
