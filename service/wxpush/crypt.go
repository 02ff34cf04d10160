package wxpush

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Signature is WeChat's push signature: the hex SHA-1 of parts sorted and
// joined. The plain signature is over (token, timestamp, nonce); the
// safe-mode msg_signature adds the Encrypt field.
func Signature(parts ...string) string {
	s := append([]string(nil), parts...)
	sort.Strings(s)
	sum := sha1.Sum([]byte(strings.Join(s, "")))
	return hex.EncodeToString(sum[:])
}

// equalSig compares signatures in constant time.
func equalSig(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}

// DecodeAESKey turns a 43-character EncodingAESKey into the 32-byte AES key.
func DecodeAESKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, errors.New("the EncodingAESKey must be 43 characters")
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("the EncodingAESKey is not the base64 of 32 bytes")
	}
	return key, nil
}

// decrypt opens a safe-mode Encrypt field: AES-256-CBC with the key's first
// 16 bytes as IV, PKCS#7 padding to 32 bytes, plaintext = 16 random bytes,
// the message's length (4 bytes, big-endian), the message, the appid. The
// appid must be appID.
func decrypt(key []byte, appID, encrypted string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errors.New("wxpush: Encrypt is not AES-CBC ciphertext in base64")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, errors.New("wxpush: bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, errors.New("wxpush: plaintext too short")
	}
	n := binary.BigEndian.Uint32(plain[16:20])
	if uint64(n) > uint64(len(plain)-20) {
		return nil, errors.New("wxpush: bad message length")
	}
	msg, app := plain[20:20+n], plain[20+n:]
	if subtle.ConstantTimeCompare(app, []byte(appID)) != 1 {
		return nil, fmt.Errorf("wxpush: message is for another appid")
	}
	return msg, nil
}
