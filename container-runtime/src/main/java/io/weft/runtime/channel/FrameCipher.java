package io.weft.runtime.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts and authenticates every frame of an authenticated connection with AES-256-GCM (JDK crypto only).
 *
 * <p>Keys: HKDF with HmacSHA256 (RFC 5869), input key material the secret the handshake proved, salt both
 * nonces ({@code serverNonce || clientNonce}), one key per direction ({@link #CLIENT_TO_SERVER},
 * {@link #SERVER_TO_CLIENT} as the info label). A connection's keys are therefore new for each connection and
 * differ between directions, so a frame cannot be reflected back to its sender nor replayed into another
 * connection.
 *
 * <p>Nonces: each direction counts its frames from 0; frame {@code n} is sealed with the 12-byte IV
 * {@code 0x00000000 || n} (big-endian), which is never reused under one key. The receiver expects the next
 * number, so a replayed, dropped, reordered or altered frame fails the tag check: the connection is closed
 * (and logged), and nothing else is affected. A frame on the wire is the ciphertext followed by the 16-byte tag.
 *
 * <p>Runs on the connection's event loop (encoding and decoding both), which orders the counters.
 */
final class FrameCipher extends MessageToMessageCodec<ByteBuf, ByteBuf> {

    private static final Logger LOG = LoggerFactory.getLogger(FrameCipher.class);

    /** HKDF info label of the key for frames the connecting side (executor, AM) sends. */
    static final String CLIENT_TO_SERVER = "weft channel v1: client to driver";
    /** HKDF info label of the key for frames the driver sends. */
    static final String SERVER_TO_CLIENT = "weft channel v1: driver to client";
    /** Bytes the tag adds to each frame. */
    static final int TAG_BYTES = 16;

    private final SecretKeySpec sendKey;
    private final SecretKeySpec receiveKey;
    private final Cipher sealer;
    private final Cipher opener;
    private long sent;
    private long received;
    /** A frame failed: the connection is closing, later frames are dropped unread. */
    private boolean failed;

    /**
     * @param sendKey this end's key for outgoing frames (32 bytes)
     * @param receiveKey the peer's key for incoming frames (32 bytes)
     */
    FrameCipher(byte[] sendKey, byte[] receiveKey) {
        this.sendKey = new SecretKeySpec(sendKey, "AES");
        this.receiveKey = new SecretKeySpec(receiveKey, "AES");
        try {
            this.sealer = Cipher.getInstance("AES/GCM/NoPadding");
            this.opener = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is not available in this JVM", e);
        }
    }

    /**
     * HKDF-SHA256 for one 32-byte key.
     *
     * @param secret the input key material (the secret the handshake proved)
     * @param salt the salt (both nonces)
     * @param label the info label, one per direction
     * @return 32 bytes
     */
    static byte[] deriveKey(byte[] secret, byte[] salt, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(secret);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 1);
            return mac.doFinal(); // T(1): exactly the 32 bytes an AES-256 key needs
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static GCMParameterSpec iv(long counter) {
        byte[] iv = new byte[12];
        ByteBuffer.wrap(iv).putLong(4, counter);
        return new GCMParameterSpec(TAG_BYTES * 8, iv);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf plain, List<Object> out) throws Exception {
        sealer.init(Cipher.ENCRYPT_MODE, sendKey, iv(sent++));
        int length = plain.readableBytes();
        ByteBuf sealed = ctx.alloc().buffer(sealer.getOutputSize(length));
        ByteBuffer target = sealed.nioBuffer(0, sealed.capacity());
        int written = sealer.doFinal(plain.nioBuffer(), target);
        sealed.writerIndex(written);
        out.add(sealed);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        if (failed) {
            return;
        }
        long number = received++;
        int length = frame.readableBytes();
        if (length < TAG_BYTES) {
            reject(ctx, "an encrypted frame of " + length + " bytes is shorter than its tag");
            return;
        }
        ByteBuf plain = ctx.alloc().buffer(length - TAG_BYTES);
        try {
            opener.init(Cipher.DECRYPT_MODE, receiveKey, iv(number));
            int written = opener.doFinal(frame.nioBuffer(), plain.nioBuffer(0, plain.capacity()));
            plain.writerIndex(written);
        } catch (GeneralSecurityException | RuntimeException e) {
            plain.release();
            reject(ctx, "frame " + number + " failed decryption (" + e.getClass().getSimpleName()
                    + "): altered, replayed or reordered in transit, or the peer does not hold this connection's key");
            return;
        }
        out.add(plain);
    }

    private void reject(ChannelHandlerContext ctx, String reason) {
        failed = true;
        LOG.warn("Closing connection with {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
