/*
 * pdf - internals of the PDF inspector (pdf.c, pdf_lex.c, pdf_crypt.c,
 * pdf_content.c, pdf_text.c, pdf_embed.c, aes.c)
 */
#ifndef AUP_PDF_H
#define AUP_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct textbuf;

/* A PDF file in memory. */
struct pdf {
	const unsigned char *d;
	size_t		 len;
};

/* The standard security handler's parameters and the file key. */
struct pdf_crypt {
	char		 filter[32];	/* /Filter name */
	long		 v, r, length;	/* /V, /R, /Length (bits) */
	long		 p;		/* /P */
	bool		 encrypt_metadata;
	bool		 aes;		/* streams are AES (AESV2/AESV3) */
	unsigned char	 o[48], u[48], ue[32];
	size_t		 olen, ulen, uelen;
	unsigned char	 id0[64];
	size_t		 idlen;
	unsigned char	 key[32];	/* file key (empty user password) */
	size_t		 keylen;
};

/* pdf_lex.c */
size_t	 pdf_ws(const struct pdf *p, size_t i);
size_t	 pdf_skip_value(const struct pdf *p, size_t i);
size_t	 pdf_skip_token(const struct pdf *p, size_t i);
bool	 pdf_dict_get(const struct pdf *p, size_t dict, const char *key,
	    size_t *val);
bool	 pdf_int(const struct pdf *p, size_t i, long *v);
bool	 pdf_name(const struct pdf *p, size_t i, char *buf, size_t n);
size_t	 pdf_string(const struct pdf *p, size_t i, unsigned char *buf,
	    size_t max);
size_t	 pdf_string_at(const struct pdf *p, size_t i, unsigned char *buf,
	    size_t max, size_t *end);
size_t	 pdf_string_escape(const struct pdf *p, size_t i, unsigned char *c);
bool	 pdf_ref(const struct pdf *p, size_t i, long *num, long *gen);
bool	 pdf_obj(const struct pdf *p, long num, long gen, size_t *body);
bool	 pdf_resolve(const struct pdf *p, size_t *val);
bool	 pdf_trailer(const struct pdf *p, size_t *dict);
const unsigned char *pdf_memfind(const unsigned char *h, size_t hn,
	    const char *needle);
const unsigned char *pdf_memrmem(const unsigned char *h, size_t hn,
	    const char *needle);
bool	 pdf_next_obj(const struct pdf *p, size_t *off, long *num,
	    long *gen, size_t *dict);

/* pdf_crypt.c */
bool	 pdf_crypt_user_empty(struct pdf_crypt *c);
size_t	 pdf_crypt_stream(const struct pdf_crypt *c, long num, long gen,
	    const unsigned char *in, size_t n, unsigned char *out);

/* pdf_content.c */
void	 pdf_content_text(const unsigned char *d, size_t len,
	    struct textbuf *t);

/* pdf_text.c */
void	 pdf_text(const struct pdf *p, const struct pdf_crypt *c,
	    struct textbuf *t, uint64_t *budget);
unsigned char *pdf_inflate(const unsigned char *in, size_t n, size_t max,
	    size_t *out_len, bool *whole);
bool	 pdf_stream_data(const struct pdf *p, size_t dict, size_t *start,
	    size_t *n);

/* pdf_embed.c */
struct actx;
void	 pdf_embedded(struct actx *ctx, size_t rec, const struct pdf *p,
	    const struct pdf_crypt *c);

/* aes.c */
struct aes {
	uint8_t		 rk[240];	/* round keys */
	int		 rounds;
	uint8_t		 sbox[256];
	uint8_t		 inv[256];
};
void	 aes_init(struct aes *a, const uint8_t *key, size_t keylen);
void	 aes_encrypt_block(const struct aes *a, const uint8_t in[16],
	    uint8_t out[16]);
void	 aes_decrypt_block(const struct aes *a, const uint8_t in[16],
	    uint8_t out[16]);
void	 aes_cbc_encrypt(const struct aes *a, const uint8_t iv[16],
	    const uint8_t *in, size_t n, uint8_t *out);
void	 aes_cbc_decrypt(const struct aes *a, const uint8_t iv[16],
	    const uint8_t *in, size_t n, uint8_t *out);

#endif
