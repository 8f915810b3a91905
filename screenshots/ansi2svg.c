/* ansi2svg: turns a coloured terminal capture (tmux capture-pane -e -p: text with SGR
 * escape sequences) into an SVG picture, so `make screenshots` needs no browser.
 *   ansi2svg COLS ROWS [light] < capture.ans > screen.svg
 * "light" draws the terminal's default colours as black on white (a light terminal). */
#define _XOPEN_SOURCE 700
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct cell {
	wchar_t ch;
	int fg, bg; /* -1 default, 0..255 palette, 0x1000000 | rgb true colour */
	int bold, ul, rev;
	int cont; /* right half of a wide character */
};

static unsigned palette(int c)
{
	static const unsigned base[16] = {
	    0x000000, 0xcd3131, 0x0dbc79, 0xe5e510, 0x2472c8, 0xbc3fbc, 0x11a8cd, 0xe5e5e5,
	    0x666666, 0xf14c4c, 0x23d18b, 0xf5f543, 0x3b8eea, 0xd670d6, 0x29b8db, 0xffffff};
	if (c & 0x1000000)
		return (unsigned)c & 0xffffff;
	if (c < 16)
		return base[c];
	if (c < 232) {
		int i = c - 16, r = i / 36, g = (i / 6) % 6, b = i % 6;
		int v[6] = {0, 95, 135, 175, 215, 255};
		return (unsigned)(v[r] << 16 | v[g] << 8 | v[b]);
	}
	int g = 8 + (c - 232) * 10;
	return (unsigned)(g << 16 | g << 8 | g);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	int cols = argc > 1 ? atoi(argv[1]) : 80, rows = argc > 2 ? atoi(argv[2]) : 24;
	int light = argc > 3 && !strcmp(argv[3], "light");
	unsigned def_bg = light ? 0xffffff : 0x1e1e1e, def_fg = light ? 0x1e1e1e : 0xe5e5e5;
	struct cell *g = calloc((size_t)cols * rows, sizeof *g);
	for (int i = 0; i < cols * rows; i++)
		g[i] = (struct cell){L' ', -1, -1, 0, 0, 0, 0};
	struct cell pen = {L' ', -1, -1, 0, 0, 0, 0};
	int x = 0, y = 0;
	wint_t c;
	while ((c = fgetwc(stdin)) != WEOF) {
		if (c == 033) {
			if (fgetwc(stdin) != L'[')
				continue;
			int params[32], np = 0, v = 0, have = 0;
			wint_t d;
			while ((d = fgetwc(stdin)) != WEOF &&
			       ((d >= L'0' && d <= L'9') || d == L';' || d == L':')) {
				if (d == L';' || d == L':') {
					if (np < 32)
						params[np++] = have ? v : 0;
					v = have = 0;
				} else {
					v = v * 10 + (int)(d - L'0');
					have = 1;
				}
			}
			if (np < 32)
				params[np++] = have ? v : 0;
			if (d != L'm')
				continue;
			for (int i = 0; i < np; i++) {
				int p = params[i];
				if (p == 0)
					pen = (struct cell){L' ', -1, -1, 0, 0, 0, 0};
				else if (p == 1)
					pen.bold = 1;
				else if (p == 4)
					pen.ul = 1;
				else if (p == 7)
					pen.rev = 1;
				else if (p == 22)
					pen.bold = 0;
				else if (p == 24)
					pen.ul = 0;
				else if (p == 27)
					pen.rev = 0;
				else if (p >= 30 && p <= 37)
					pen.fg = p - 30;
				else if (p >= 90 && p <= 97)
					pen.fg = p - 90 + 8;
				else if (p == 39)
					pen.fg = -1;
				else if (p >= 40 && p <= 47)
					pen.bg = p - 40;
				else if (p >= 100 && p <= 107)
					pen.bg = p - 100 + 8;
				else if (p == 49)
					pen.bg = -1;
				else if ((p == 38 || p == 48) && i + 2 < np && params[i + 1] == 5) {
					*(p == 38 ? &pen.fg : &pen.bg) = params[i + 2];
					i += 2;
				} else if ((p == 38 || p == 48) && i + 4 < np &&
					   params[i + 1] == 2) {
					*(p == 38 ? &pen.fg : &pen.bg) =
					    0x1000000 | params[i + 2] << 16 | params[i + 3] << 8 |
					    params[i + 4];
					i += 4;
				}
			}
			continue;
		}
		if (c == L'\n') {
			/* tmux drops trailing cells erased with a coloured background (BCE): a line
			 * that ends in a coloured pen had its colour up to the right edge. */
			if (y < rows && (pen.bg >= 0 || pen.rev))
				for (; x < cols; x++) {
					g[y * cols + x] = pen;
					g[y * cols + x].ch = L' ';
				}
			y++, x = 0;
			continue;
		}
		if (c == L'\r' || y >= rows)
			continue;
		int w = wcwidth((wchar_t)c);
		if (w < 1)
			continue;
		if (x + w > cols)
			continue;
		struct cell *cl = &g[y * cols + x];
		*cl = pen;
		cl->ch = (wchar_t)c;
		if (w == 2 && x + 1 < cols) {
			g[y * cols + x + 1] = pen;
			g[y * cols + x + 1].cont = 1;
		}
		x += w;
	}
	const double cw = 8.4, ch = 17;
	printf("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	       "font-family=\"DejaVu Sans Mono, monospace\" font-size=\"14\">\n",
	       cols * cw, rows * ch);
	printf("<rect width=\"100%%\" height=\"100%%\" fill=\"#%06x\"/>\n", def_bg);
	for (int r = 0; r < rows; r++)
		for (int i = 0; i < cols; i++) {
			struct cell *cl = &g[r * cols + i];
			int bg = cl->rev ? cl->fg : cl->bg;
			if (bg < 0 && !cl->rev)
				continue;
			printf("<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" "
			       "fill=\"#%06x\"/>\n",
			       i * cw, r * ch, cw + 0.5, ch, bg < 0 ? def_fg : palette(bg));
		}
	for (int r = 0; r < rows; r++)
		for (int i = 0; i < cols; i++) {
			struct cell *cl = &g[r * cols + i];
			if (cl->cont || cl->ch == L' ')
				continue;
			int fg = cl->rev ? cl->bg : cl->fg;
			unsigned rgb = fg >= 0 ? palette(fg) : cl->rev ? def_bg : def_fg;
			printf("<text x=\"%.1f\" y=\"%.1f\" fill=\"#%06x\"%s%s>", i * cw,
			       r * ch + 13, rgb, cl->bold ? " font-weight=\"bold\"" : "",
			       cl->ul ? " text-decoration=\"underline\"" : "");
			wchar_t w = cl->ch;
			if (w == L'<')
				fputs("&lt;", stdout);
			else if (w == L'>')
				fputs("&gt;", stdout);
			else if (w == L'&')
				fputs("&amp;", stdout);
			else
				printf("%lc", (wint_t)w);
			fputs("</text>\n", stdout);
		}
	puts("</svg>");
	free(g);
	return 0;
}
