#include <fcntl.h>
#include <sys/stat.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <portaudio.h>
#include <samplerate.h>
#include <re.h>
#include <rem.h>
#include "monitor.h"
#include "util.h"

enum {
	FRAME_MS = 20,
	BUF_MIN_MS = 40,     /* what the callback waits for before playing */
	BUF_MAX_MS = 120,    /* beyond this the oldest audio goes */
	MAX_IN = 960,        /* 20 ms at 48 kHz */
	MAX_OUT = 4800,      /* 20 ms at 240 kHz, more than any device */
};

struct monitor {
	char *device;
	bool pa_init;
	PaStream *pa;
	uint32_t dev_rate;
	unsigned dev_ch;

	/* Single-producer (re thread) single-consumer (callback) ring. */
	int16_t *ring;
	size_t size;               /* power of two */
	_Atomic size_t head;       /* written by the producer only */
	_Atomic size_t tail;       /* written by the consumer only */
	_Atomic bool flush;        /* producer asks the consumer to drop all */
	bool primed;               /* consumer: enough buffered to play */
	size_t prime, max_fill;    /* samples */
	_Atomic uint64_t underruns, dropped;

	SRC_STATE *src;
	uint32_t src_in_rate;
	struct stream *owner;
};

static const char *const leg_names[] = {"off", "rx", "tx", "both"};

int mon_leg_parse(enum mon_leg *leg, const char *str)
{
	for (size_t i = 0; str && i < ARRAY_SIZE(leg_names); i++) {
		if (!strcmp(str, leg_names[i])) {
			*leg = (enum mon_leg)i;
			return 0;
		}
	}
	return EINVAL;
}

const char *mon_leg_name(enum mon_leg leg)
{
	return (size_t)leg < ARRAY_SIZE(leg_names) ? leg_names[leg] : "?";
}

/* PortAudio probes ALSA and JACK loudly on stderr: send that chatter to
 * /dev/null, unless stderr is a log file (-l) and not ALWAYS. */
static int quiet_begin(bool always)
{
	int saved, null;

	struct stat st;

	/* A terminal, or the pipe the console reads onto its message line,
	 * gets none of it. */
	if (!always && fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode))
		return -1;
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0)
		return -1;
	saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved >= 0)
		(void)dup2(null, STDERR_FILENO);
	(void)close(null);
	return saved;
}

static void quiet_end(int saved)
{
	if (saved < 0)
		return;
	(void)dup2(saved, STDERR_FILENO);
	(void)close(saved);
}

static void destructor(void *arg)
{
	struct monitor *m = arg;

	if (m->pa) {
		(void)Pa_StopStream(m->pa);
		(void)Pa_CloseStream(m->pa);
	}
	if (m->pa_init)
		(void)Pa_Terminate();
	if (m->src)
		src_delete(m->src);
	free(m->ring);
	mem_deref(m->device);
}

int monitor_alloc(struct monitor **mp, const char *device)
{
	struct monitor *m = mem_zalloc(sizeof(*m), destructor);

	if (!m)
		return ENOMEM;
	if (device && *device && str_dup(&m->device, device)) {
		mem_deref(m);
		return ENOMEM;
	}
	*mp = m;
	return 0;
}

/* PortAudio's thread: reads the ring, never waits for anything.  An
 * underrun plays silence; a fill beyond max_fill (the device stalled)
 * drops the oldest audio, so the delay stays bounded. */
static int pa_callback(const void *in, void *out, unsigned long frames,
		       const PaStreamCallbackTimeInfo *ti,
		       PaStreamCallbackFlags flags, void *arg)
{
	struct monitor *m = arg;
	int16_t *o = out;
	size_t head, tail, fill, n, mask = m->size - 1;
	(void)in;
	(void)ti;
	(void)flags;

	head = atomic_load_explicit(&m->head, memory_order_acquire);
	tail = atomic_load_explicit(&m->tail, memory_order_relaxed);

	if (atomic_exchange(&m->flush, false)) {
		tail = head;
		m->primed = false;
	}

	fill = head - tail;
	if (fill > m->max_fill) {
		atomic_fetch_add(&m->dropped, fill - m->prime);
		tail = head - m->prime;
		fill = m->prime;
	}
	if (!m->primed && fill >= m->prime)
		m->primed = true;

	n = m->primed ? (fill < frames ? fill : frames) : 0;
	for (size_t i = 0; i < n; i++)
		o[i] = m->ring[(tail + i) & mask];
	if (n < frames) {
		memset(o + n, 0, (frames - n) * sizeof(*o));
		if (m->primed) {
			atomic_fetch_add(&m->underruns, 1);
			m->primed = false;
		}
	}
	atomic_store_explicit(&m->tail, tail + n, memory_order_release);

	/* A device that only takes stereo: the same audio on both. */
	for (unsigned long i = frames; m->dev_ch > 1 && i-- > 0; ) {
		for (unsigned c = 0; c < m->dev_ch; c++)
			o[i * m->dev_ch + c] = o[i];
	}
	return paContinue;
}

static void ring_write(struct monitor *m, const int16_t *p, size_t n)
{
	size_t head = atomic_load_explicit(&m->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&m->tail, memory_order_acquire);
	size_t mask = m->size - 1;

	if (m->size - (head - tail) < n) {
		atomic_fetch_add(&m->dropped, n);   /* the callback stopped */
		return;
	}
	for (size_t i = 0; i < n; i++)
		m->ring[(head + i) & mask] = p[i];
	atomic_store_explicit(&m->head, head + n, memory_order_release);
}

static PaDeviceIndex find_device(const char *name)
{
	PaDeviceIndex n = Pa_GetDeviceCount(), part = paNoDevice;

	if (!name)
		return Pa_GetDefaultOutputDevice();

	for (PaDeviceIndex i = 0; i < n; i++) {
		const PaDeviceInfo *di = Pa_GetDeviceInfo(i);

		if (!di || di->maxOutputChannels < 1)
			continue;
		if (!strcmp(di->name, name))
			return i;
		if (part == paNoDevice && strstr(di->name, name))
			part = i;
	}
	return part;
}

/* 8 kHz mono if the device takes it, else its own rate; mono else two
 * channels. */
static PaError open_stream(struct monitor *m, PaDeviceIndex dev)
{
	const PaDeviceInfo *di = Pa_GetDeviceInfo(dev);
	const double rates[] = {8000, di->defaultSampleRate};
	PaStreamParameters p;
	PaError e = paInvalidDevice;

	memset(&p, 0, sizeof(p));
	p.device = dev;
	p.sampleFormat = paInt16;
	p.suggestedLatency = di->defaultLowOutputLatency;

	for (unsigned ch = 1; ch <= 2; ch++) {
		if ((int)ch > di->maxOutputChannels)
			break;
		p.channelCount = (int)ch;
		for (size_t r = 0; r < ARRAY_SIZE(rates); r++) {
			/* 20 ms callbacks, the same beat as RTP */
			e = Pa_OpenStream(&m->pa, NULL, &p, rates[r],
					  paFramesPerBufferUnspecified,
					  paNoFlag, pa_callback, m);
			if (e == paNoError) {
				m->dev_rate = (uint32_t)rates[r];
				m->dev_ch = ch;
				return paNoError;
			}
		}
	}
	return e;
}

int monitor_open(struct monitor *m, char *err, size_t errsz)
{
	PaDeviceIndex dev;
	PaError e;
	int saved, ret = 0;

	if (m->pa)
		return 0;

	saved = quiet_begin(false);

	if (!m->pa_init) {
		e = Pa_Initialize();
		if (e != paNoError) {
			re_snprintf(err, errsz, "cannot start PortAudio: %s",
				    Pa_GetErrorText(e));
			ret = ENODEV;
			goto out;
		}
		m->pa_init = true;
	}

	dev = find_device(m->device);
	if (dev == paNoDevice) {
		if (m->device)
			re_snprintf(err, errsz, "no audio output device "
				    "'%s' (sipflow --list-audio-devices)",
				    m->device);
		else
			re_snprintf(err, errsz, "no audio output device");
		ret = ENODEV;
		goto out;
	}

	e = open_stream(m, dev);
	if (e != paNoError) {
		re_snprintf(err, errsz, "cannot open audio device '%s': %s",
			    Pa_GetDeviceInfo(dev)->name, Pa_GetErrorText(e));
		ret = ENODEV;
		goto out;
	}

	/* half a second of room, 40 ms to start, 120 ms at most */
	m->size = 1;
	while (m->size < m->dev_rate / 2)
		m->size <<= 1;
	free(m->ring);
	m->ring = calloc(m->size, sizeof(*m->ring));
	m->prime = m->dev_rate / 1000 * BUF_MIN_MS;
	m->max_fill = m->dev_rate / 1000 * BUF_MAX_MS;
	atomic_store(&m->head, 0);
	atomic_store(&m->tail, 0);
	m->primed = false;
	ret = m->ring ? 0 : ENOMEM;
	if (!ret) {
		e = Pa_StartStream(m->pa);
		if (e != paNoError) {
			re_snprintf(err, errsz, "cannot start audio device "
				    "'%s': %s", Pa_GetDeviceInfo(dev)->name,
				    Pa_GetErrorText(e));
			ret = ENODEV;
		}
	}
	if (ret) {
		(void)Pa_CloseStream(m->pa);
		m->pa = NULL;
	}

 out:
	quiet_end(saved);
	return ret;
}

void monitor_stats(const struct monitor *m, uint64_t *underruns,
		   uint64_t *dropped_ms)
{
	*underruns = m ? atomic_load(&m->underruns) : 0;
	*dropped_ms = m && m->dev_rate ?
		atomic_load(&m->dropped) * 1000 / m->dev_rate : 0;
}

unsigned monitor_latency_ms(const struct monitor *m)
{
	const PaStreamInfo *si = m && m->pa ? Pa_GetStreamInfo(m->pa) : NULL;

	return si ? (unsigned)(si->outputLatency * 1000) + BUF_MIN_MS : 0;
}

uint32_t monitor_device_rate(const struct monitor *m)
{
	return m && m->pa ? m->dev_rate : 0;
}

void monitor_set_owner(struct monitor *m, struct stream *owner)
{
	m->owner = owner;
	/* switching is instant: the old leg's queued audio is not played */
	atomic_store(&m->flush, true);
}

struct stream *monitor_owner(const struct monitor *m)
{
	return m ? m->owner : NULL;
}

/* Resample with libsamplerate's streaming API, keeping its state from
 * frame to frame so there are no clicks at frame edges. */
static size_t resample(struct monitor *m, const int16_t *in, size_t n,
		       uint32_t srate, int16_t *out)
{
	float fin[MAX_IN], fout[MAX_OUT];
	SRC_DATA d;
	int e;

	if (!m->src || m->src_in_rate != srate) {
		if (m->src)
			src_delete(m->src);
		m->src = src_new(SRC_SINC_FASTEST, 1, &e);
		m->src_in_rate = srate;
		if (!m->src)
			return 0;
	}

	src_short_to_float_array(in, fin, (int)n);
	memset(&d, 0, sizeof(d));
	d.data_in = fin;
	d.input_frames = (long)n;
	d.data_out = fout;
	d.output_frames = MAX_OUT;
	d.src_ratio = (double)m->dev_rate / srate;
	if (src_process(m->src, &d))
		return 0;
	src_float_to_short_array(fout, out, (int)d.output_frames_gen);
	return (size_t)d.output_frames_gen;
}

void monitor_put(struct monitor *m, enum mon_leg leg, const int16_t *rx,
		 const int16_t *tx, size_t n, uint32_t srate)
{
	int16_t mix[MAX_IN], out[MAX_OUT];
	size_t outn;

	if (!m || !m->pa || leg == MON_OFF || n > MAX_IN || !srate)
		return;

	for (size_t i = 0; i < n; i++) {
		int16_t r = rx ? rx[i] : 0, t = tx ? tx[i] : 0;

		mix[i] = leg == MON_RX ? r : leg == MON_TX ? t :
			pcm_add_sat(r, t);
	}

	if (srate == m->dev_rate) {
		ring_write(m, mix, n);
		return;
	}
	outn = resample(m, mix, n, srate, out);
	if (outn)
		ring_write(m, out, outn);
}

int monitor_list_devices(FILE *f)
{
	PaDeviceIndex n, def;
	PaError e;
	int saved = quiet_begin(true);
	unsigned shown = 0;

	e = Pa_Initialize();
	quiet_end(saved);
	if (e != paNoError) {
		fprintf(f, "PortAudio: %s\n", Pa_GetErrorText(e));
		return ENODEV;
	}

	n = Pa_GetDeviceCount();
	def = Pa_GetDefaultOutputDevice();
	for (PaDeviceIndex i = 0; i < n; i++) {
		const PaDeviceInfo *di = Pa_GetDeviceInfo(i);

		if (!di || di->maxOutputChannels < 1)
			continue;
		fprintf(f, "%s%s\t(%d channels, %.0f Hz, latency %.0f ms, "
			"%s)\n", i == def ? "* " : "  ", di->name,
			di->maxOutputChannels, di->defaultSampleRate,
			di->defaultLowOutputLatency * 1000,
			Pa_GetHostApiInfo(di->hostApi)->name);
		++shown;
	}
	if (!shown)
		fprintf(f, "no audio output devices\n");
	(void)Pa_Terminate();
	return shown ? 0 : ENODEV;
}
