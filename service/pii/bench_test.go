package pii_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

func BenchmarkEncrypt(b *testing.B) {
	c := newCipher(b, testKeys("k1"))
	for b.Loop() {
		if _, err := c.Encrypt(slot, "11010519491231002X"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecrypt(b *testing.B) {
	c := newCipher(b, testKeys("k1"))
	sealed, _ := c.Encrypt(slot, "11010519491231002X")
	for b.Loop() {
		if _, err := c.Decrypt(slot, sealed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncryptBytes1MiB(b *testing.B) {
	c := newCipher(b, testKeys("k1"))
	file := make([]byte, 1<<20)
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := c.EncryptBytes(slot, file); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	c := newCipher(b, testKeys("k1"))
	for b.Loop() {
		c.BlindIndex("11010519491231002X")
	}
}

func BenchmarkBlindIndexFor(b *testing.B) {
	c := newCipher(b, testKeys("k1"))
	for b.Loop() {
		c.BlindIndexFor(pii.DomainIDNumber, "11010519491231002X")
	}
}
