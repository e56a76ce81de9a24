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
#include "base/names.h"
#include "base/util.h"
#include "monitor.h"
#include "pcmring.h"

enum {
	FRAME_MS = 20,
	START_MS = 60,       /* what the callback waits for at first */
	GROW_MS = 20,        /* and more after each underrun */
	SHRINK_SLACK_MS = 20,   /* surplus over the target worth giving back */
	SHRINK_WINDOW = 50,  /* frames (1 s) the surplus must last */
	DECAY_WINDOWS = 10,  /* windows without an underrun: wait 20 ms less */
	MAX_IN = 960,        /* 20 ms at 48 kHz */
	MAX_OUT = 4800,      /* 20 ms at 240 kHz, more than any device */
};

/* Giving latency back plays 2 % faster: a pitch shift of a third of a
 * semitone, where dropping audio would be a click or a gap. */
static const double SHRINK_SPEED = 1.02;

struct monitor {
	char *device;
	bool pa_init;
	PaStream *pa;
	uint32_t dev_rate;
	unsigned dev_ch;
	unsigned max_ms;           /* the ceiling of our buffer */

	/* the re thread produces, the callback consumes */
	struct pcmring ring;       /* twice the ceiling */
	_Atomic bool flush;        /* producer asks the consumer to drop all */
	bool primed;               /* consumer: enough buffered to play */
	size_t ceiling;            /* samples: beyond it the oldest go */
	_Atomic size_t target;     /* samples: what playout waits for */
	_Atomic uint64_t underruns, dropped;

	/* producer (the re thread, which monitor_stats runs on too): the
	 * delay a frame written now will have, the most it had, and whether
	 * the last window had surplus to give back */
	size_t fill_now, fill_max;
	size_t win_min;
	unsigned win_n;
	bool shrinking;
	uint64_t underruns_seen;   /* at the last decay check */
	uint64_t last_put_ns;      /* when the last frame came */
	uint64_t feed_late_ns;     /* the longest it came late, this leg */
	unsigned calm_windows;     /* windows since an underrun */

	SRC_STATE *src;
	uint32_t src_in_rate;
	bool src_used;             /* this leg's audio goes through it */
	struct stream *owner;
};

/* MS milliseconds of samples at the device's rate. */
static size_t ms_samples(const struct monitor *m, unsigned ms)
{
	return (size_t)m->dev_rate * ms / 1000;
}

static const char *const leg_names[] = {"off", "rx", "tx", "both"};
static const struct name_table legs = NAME_TABLE(leg_names, false);

int mon_leg_parse(enum mon_leg *leg, const char *str)
{
	int v;

	if (name_parse(&legs, str, &v))
		return EINVAL;
	*leg = (enum mon_leg)v;
	return 0;
}

const char *mon_leg_name(enum mon_leg leg)
{
	return name_of(&legs, (int)leg);
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
	pcmring_free(&m->ring);
	mem_deref(m->device);
}

int monitor_alloc(struct monitor **mp, const char *device, unsigned max_ms)
{
	struct monitor *m = mem_zalloc(sizeof(*m), destructor);

	if (!m)
		return ENOMEM;
	m->max_ms = max_ms < MONITOR_MAX_MS_MIN ? MONITOR_MAX_MS_MIN : max_ms;
	if (device && *device && str_dup(&m->device, device)) {
		mem_deref(m);
		return ENOMEM;
	}
	*mp = m;
	return 0;
}

/* PortAudio's thread: reads the ring, never waits for anything.  A late
 * callback (the device or the machine stalled) finds more buffered and
 * plays it all: the delay grows, nothing is lost, up to the ceiling,
 * beyond which the oldest audio goes.  An underrun plays silence and
 * raises what playout waits for next time. */
static int pa_callback(const void *in, void *out, unsigned long frames,
		       const PaStreamCallbackTimeInfo *ti,
		       PaStreamCallbackFlags flags, void *arg)
{
	struct monitor *m = arg;
	int16_t *o = out;
	size_t fill, n, target;
	(void)in;
	(void)ti;
	(void)flags;

	fill = pcmring_fill(&m->ring);
	target = atomic_load_explicit(&m->target, memory_order_relaxed);

	if (atomic_exchange(&m->flush, false)) {
		/* a new leg: its own start, nothing of the last one's */
		pcmring_release(&m->ring, fill);
		fill = 0;
		m->primed = false;
		target = ms_samples(m, START_MS);
		atomic_store_explicit(&m->target, target,
				      memory_order_relaxed);
	}

	if (fill > m->ceiling) {
		atomic_fetch_add(&m->dropped, fill - m->ceiling);
		pcmring_release(&m->ring, fill - m->ceiling);
		fill = m->ceiling;
	}
	if (!m->primed && fill >= target)
		m->primed = true;

	n = m->primed ? pcmring_read(&m->ring, o, fill < frames ? fill :
				     frames) : 0;
	if (n < frames) {
		memset(o + n, 0, (frames - n) * sizeof(*o));
		if (m->primed) {
			size_t grown = target + ms_samples(m, GROW_MS);

			atomic_fetch_add(&m->underruns, 1);
			m->primed = false;
			/* the producer may be lowering it: then skip */
			if (grown <= m->ceiling / 2)
				(void)atomic_compare_exchange_strong(
					&m->target, &target, grown);
		}
	}

	/* A device that only takes stereo: the same audio on both. */
	for (unsigned long i = frames; m->dev_ch > 1 && i-- > 0; ) {
		for (unsigned c = 0; c < m->dev_ch; c++)
			o[i * m->dev_ch + c] = o[i];
	}
	return paContinue;
}

/* Producer: what underruns taught playout to wait for is unlearnt 20 ms
 * at a time once DECAY_WINDOWS went by without one, so a stall long ago
 * does not cost delay for the rest of the session. */
static void decay(struct monitor *m, size_t target)
{
	uint64_t u = atomic_load_explicit(&m->underruns, memory_order_relaxed);
	size_t start = ms_samples(m, START_MS), step = ms_samples(m, GROW_MS);

	if (u != m->underruns_seen) {
		m->underruns_seen = u;
		m->calm_windows = 0;
		return;
	}
	if (++m->calm_windows < DECAY_WINDOWS || target < start + step)
		return;
	m->calm_windows = 0;
	/* the callback may be raising it: then leave it */
	(void)atomic_compare_exchange_strong(&m->target, &target,
					     target - step);
}

/* Producer: N samples in, or counted as dropped when the consumer has
 * stopped long enough to fill the whole ring.  Keeps the delay figures
 * and decides, once a window, whether there is latency to give back. */
static void ring_write(struct monitor *m, const int16_t *p, size_t n)
{
	size_t fill, target;

	if (!pcmring_write(&m->ring, p, n)) {
		atomic_fetch_add(&m->dropped, n);   /* the callback stopped */
		return;
	}

	/* Past the ceiling the callback drops the oldest: the delay a
	 * listener gets is never more than that. */
	fill = pcmring_fill(&m->ring);
	if (fill > m->ceiling)
		fill = m->ceiling;
	m->fill_now = fill;
	if (fill > m->fill_max)
		m->fill_max = fill;

	if (!m->win_n || fill < m->win_min)
		m->win_min = fill;
	if (++m->win_n < SHRINK_WINDOW)
		return;
	/* Never below target + one callback's worth: the fill we see
	 * includes the frame just written. */
	target = atomic_load_explicit(&m->target, memory_order_relaxed);
	m->shrinking = m->win_min > target + n +
		ms_samples(m, SHRINK_SLACK_MS);
	m->win_n = 0;
	decay(m, target);
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

	/* Room for twice the ceiling, so the ring itself only overflows
	 * when the callback has stopped altogether. */
	m->ceiling = ms_samples(m, m->max_ms);
	pcmring_free(&m->ring);
	ret = pcmring_init(&m->ring, 2 * m->ceiling, 1);
	atomic_store(&m->target, ms_samples(m, START_MS));
	m->fill_now = m->fill_max = 0;
	m->primed = false;
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

static unsigned device_ms(const struct monitor *m)
{
	const PaStreamInfo *si = m && m->pa ? Pa_GetStreamInfo(m->pa) : NULL;

	return si ? (unsigned)(si->outputLatency * 1000) : 0;
}

static unsigned samples_ms(const struct monitor *m, size_t n)
{
	return m->dev_rate ? (unsigned)(n * 1000 / m->dev_rate) : 0;
}

void monitor_stats(const struct monitor *m, struct monitor_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!m || !m->pa)
		return;
	st->underruns = atomic_load(&m->underruns);
	st->dropped_ms = atomic_load(&m->dropped) * 1000 / m->dev_rate;
	st->latency_ms = device_ms(m) + samples_ms(m, m->fill_now ?
		m->fill_now : atomic_load(&m->target));
	st->max_latency_ms = device_ms(m) + samples_ms(m, m->fill_max);
	if (st->max_latency_ms < st->latency_ms)
		st->max_latency_ms = st->latency_ms;
	st->ceiling_ms = m->max_ms;
	st->feed_late_ms = (unsigned)(m->feed_late_ns / 1000000);
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
	/* the delay figures are the new leg's */
	m->fill_now = m->fill_max = 0;
	m->win_n = 0;
	m->shrinking = false;
	m->calm_windows = 0;
	m->last_put_ns = 0;
	m->feed_late_ns = 0;
	/* the resampler's history is the old leg's */
	m->src_used = false;
}

struct stream *monitor_owner(const struct monitor *m)
{
	return m ? m->owner : NULL;
}

/* Resample with libsamplerate's streaming API, keeping its state from
 * frame to frame so there are no clicks at frame edges. */
static size_t resample(struct monitor *m, const int16_t *in, size_t n,
		       uint32_t srate, double speed, int16_t *out)
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
	else if (!m->src_used) {
		/* what it holds is from before the frames that went past */
		(void)src_reset(m->src);
	}
	m->src_used = true;

	src_short_to_float_array(in, fin, (int)n);
	memset(&d, 0, sizeof(d));
	d.data_in = fin;
	d.input_frames = (long)n;
	d.data_out = fout;
	d.output_frames = MAX_OUT;
	d.src_ratio = (double)m->dev_rate / srate / speed;
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
	uint64_t now;

	if (!m || !m->pa || leg == MON_OFF || n > MAX_IN || !srate)
		return;

	/* Frames come every 20 ms; one that came later than that held
	 * the device's supply up: what an underrun can be blamed on. */
	now = now_ns();
	if (m->last_put_ns &&
	    now - m->last_put_ns > FRAME_MS * 1000000ull + m->feed_late_ns)
		m->feed_late_ns = now - m->last_put_ns -
			FRAME_MS * 1000000ull;
	m->last_put_ns = now;

	for (size_t i = 0; i < n; i++) {
		int16_t r = rx ? rx[i] : 0, t = tx ? tx[i] : 0;

		mix[i] = leg == MON_RX ? r : leg == MON_TX ? t :
			pcm_add_sat(r, t);
	}

	/* Once a leg needed the resampler (another rate, or giving delay
	 * back), it stays on it: switching back and forth would click. */
	if (srate == m->dev_rate && !m->shrinking && !m->src_used) {
		ring_write(m, mix, n);
		return;
	}
	outn = resample(m, mix, n, srate, m->shrinking ? SHRINK_SPEED : 1.0,
			out);
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
