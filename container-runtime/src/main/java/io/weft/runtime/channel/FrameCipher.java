package io.weft.runtime.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
 * <p>Records: a frame's plaintext is sealed in records of {@link #RECORD} bytes (the last may be shorter; an empty
 * frame is one empty record), each its ciphertext followed by its 16-byte tag, with one byte of associated data
 * saying whether it is the frame's last record, so a frame cut short or run on is detected. The frame's length
 * prefix stays in the clear: it is what the receiver splits records by, and a wrong one fails the tags.
 *
 * <p>Nonces: each direction counts its records from 0; record {@code n} is sealed with the 12-byte IV
 * {@code 0x00000000 || n} (big-endian), which is never reused under one key. The receiver expects the next
 * number, so a replayed, dropped, reordered or altered frame fails the tag check: the connection is closed
 * (and logged), and nothing else is affected.
 *
 * <p>Runs on the connection's event loop (encoding and decoding both), which orders the counters.
 */
final class FrameCipher extends MessageToMessageCodec<ByteBuf, ByteBuf> {

    private static final Logger LOG = LoggerFactory.getLogger(FrameCipher.class);

    /** HKDF info label of the key for frames the connecting side (executor, AM) sends. */
    static final String CLIENT_TO_SERVER = "weft channel v1: client to driver";
    /** HKDF info label of the key for frames the driver sends. */
    static final String SERVER_TO_CLIENT = "weft channel v1: driver to client";
    /** Bytes the tag adds to each record. */
    static final int TAG_BYTES = 16;
    /**
     * Plaintext bytes per record. Frames are sealed in records of this size, each with its own tag, as TLS does:
     * the JDK's AES-GCM reaches its intrinsic speed only on calls of moderate size (one call on a 64 MB result
     * runs at a few tens of MB/s), and a receiver never holds more than a record of unauthenticated plaintext.
     */
    static final int RECORD = 16 * 1024;
    private static final byte[] MORE = {0};
    private static final byte[] LAST = {1};

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

    /** @return the bytes a frame of {@code plain} plaintext bytes takes sealed: its records' tags added */
    static long sealedLength(long plain) {
        long records = Math.max(1, (plain + RECORD - 1) / RECORD);
        return plain + records * TAG_BYTES;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf plain, List<Object> out) throws Exception {
        int length = plain.readableBytes();
        byte[] in = plain.hasArray() ? plain.array() : ByteBufUtil.getBytes(plain);
        int from = plain.hasArray() ? plain.arrayOffset() + plain.readerIndex() : 0;
        // Heap arrays on both sides: the JDK's AES-GCM is fastest on arrays (direct buffers are copied in chunks).
        ByteBuf sealed = ctx.alloc().heapBuffer((int) sealedLength(length));
        byte[] target = sealed.array();
        int at = sealed.arrayOffset();
        int done = 0;
        do {
            int chunk = Math.min(RECORD, length - done);
            sealer.init(Cipher.ENCRYPT_MODE, sendKey, iv(sent++));
            sealer.updateAAD(done + chunk == length ? LAST : MORE);
            at += sealer.doFinal(in, from + done, chunk, target, at);
            done += chunk;
        } while (done < length);
        sealed.writerIndex(at - sealed.arrayOffset());
        out.add(sealed);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        if (failed) {
            return;
        }
        int length = frame.readableBytes();
        byte[] in = frame.hasArray() ? frame.array() : ByteBufUtil.getBytes(frame);
        int from = frame.hasArray() ? frame.arrayOffset() + frame.readerIndex() : 0;
        long records = Math.max(1, (length + RECORD + TAG_BYTES - 1) / (RECORD + TAG_BYTES));
        if (length < TAG_BYTES || length - records * TAG_BYTES < 0) {
            reject(ctx, "an encrypted frame of " + length + " bytes is shorter than its tags");
            return;
        }
        ByteBuf plain = ctx.alloc().heapBuffer((int) (length - records * TAG_BYTES));
        byte[] target = plain.array();
        int at = plain.arrayOffset();
        int done = 0;
        long number = received;
        try {
            do {
                int record = Math.min(RECORD + TAG_BYTES, length - done);
                number = received++;
                opener.init(Cipher.DECRYPT_MODE, receiveKey, iv(number));
                opener.updateAAD(done + record == length ? LAST : MORE);
                at += opener.doFinal(in, from + done, record, target, at);
                done += record;
            } while (done < length);
            plain.writerIndex(at - plain.arrayOffset());
        } catch (GeneralSecurityException | RuntimeException e) {
            plain.release();
            reject(ctx, "record " + number + " failed decryption (" + e.getClass().getSimpleName()
                    + "): altered, replayed, reordered or cut in transit, or the peer does not hold this"
                    + " connection's key");
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
