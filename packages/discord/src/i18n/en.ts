// English texts. Every key here must exist in zh-cn.ts with the same {placeholders}
// (i18n.test.ts checks). Values may use Discord markdown; user-typed text arrives already quoted.
export const EN = {
  // ---- shared -------------------------------------------------------------------------------
  'error.prefix': '⚠️ {text}',
  'error.unexpected':
    '❌ Something went wrong (reference `{ref}`). Try again; if it keeps happening, tell a server admin and quote the reference.',
  'error.notInGuild': 'Troupe only works inside a server it was added to (with the `bot` scope).',
  'error.unknownCommand':
    'This command is not one Troupe knows: its command list may be outdated. Tell whoever runs the bot to run `pnpm deploy-commands`.',
  'error.unknownSubcommand':
    'Unknown subcommand {sub}. The command list may be outdated: tell whoever runs the bot to run `pnpm deploy-commands`.',
  'error.unknownPersona': 'No persona called {id} here. See `/persona list` for the ids you can use.',
  'error.notThisServer':
    '<#{channel}> is not a channel of this server. Pick one of this server’s channels from the list.',
  'error.adminOnly':
    'Only server admins (Manage Server permission) can {action}. Ask an admin, or ask them to grant you Manage Server.',
  'error.needsRole':
    'Switching personas on this server needs the <@&{role}> role. Ask an admin for it (they set it with `/settings switch-role`).',
  'action.settings': 'change Troupe settings',
  'action.import': 'import personas',
  'action.remove': 'remove personas',
  'error.noSession': 'No persona is in a voice channel on this server. Start one with `/join`.',
  'error.buttonExpired': 'These buttons belong to an older message. Run the command again.',
  'perm.ViewChannel': 'View Channel',
  'perm.Connect': 'Connect',
  'perm.Speak': 'Speak',
  'perm.SendMessages': 'Send Messages',
  'list.separator': ', ',
  'posted.public': 'Everyone in <#{channel}> can see this in the channel chat.',

  // ---- /join, /leave --------------------------------------------------------------------------
  'join.notVoice': '{name} is not a voice channel. Pick a voice channel for `channel`.',
  'join.noChannel': 'Join a voice channel first, or name one with `/join channel:<voice channel>`.',
  'join.alreadyHere': '{persona} is already in <#{channel}>. Use `/persona set` to switch character.',
  'join.alreadyElsewhere':
    '{persona} is already talking in <#{channel}>. Use `/leave` first, then `/join` again.',
  'join.missingPermissions':
    'I need the {permissions} permission in <#{channel}> (to connect, to speak, and to post the notice that tells everyone an AI is listening). Ask a server admin to grant it to my role (channel settings → Permissions).',
  'join.noticeFailed':
    'I could not post the notice in <#{channel}> that tells everyone an AI is listening, so I left again. Ask a server admin to give my role Send Messages in that channel.',
  'join.timeout':
    'I could not connect to <#{channel}> in time. Discord voice may be having trouble; try `/join` again in a minute.',
  'join.modelFailed': 'I joined, but {reason}.',
  'join.heldElsewhere':
    'Another instance of this bot is running the voice session of this server (in <#{channel}>). Try `/join` again in {seconds} s; if it keeps happening, tell whoever runs the bot.',
  'join.storeUnavailable':
    'I could not reach my database to start the voice session. Try `/join` again in a minute; if it keeps happening, tell whoever runs the bot.',
  'join.queued':
    '⏳ Joining <#{channel}>… Discord limits how fast a bot may join voice channels, so this can take up to a minute.',
  'join.done': '🎭 **{persona}** joined <#{channel}>. Just talk! `/voice status` shows who is heard.',
  'join.notice':
    '🎙️ **{persona}**, an AI character, is now listening in this voice channel (started by {user}).\nWhat you say here is sent to StepFun’s speech model so the character can answer; the bot stores no audio.\nRather not be heard? Use `/voice optout` and your audio is never forwarded. Details: `/privacy` · End it: `/leave`.',
  'join.noticeRestored':
    '🎙️ **{persona}**, an AI character, is back and listening in this voice channel after a restart.\nWhat you say here is sent to StepFun’s speech model so the character can answer; the bot stores no audio.\nRather not be heard? Use `/voice optout` and your audio is never forwarded. Details: `/privacy` · End it: `/leave`.',
  'join.noticeTranscripts': 'Transcripts are on: what is said here is also posted as text in <#{channel}>.',
  'leave.done': '👋 {persona} left the voice channel <#{channel}>.',
  'leave.notice': '👋 **{persona}** left this voice channel and is no longer listening (ended by {user}).',

  // ---- /persona ---------------------------------------------------------------------------
  'persona.list.title': 'Personas on this server',
  'persona.list.footer': 'Page {page} of {pages} · {count} personas · switch with /persona set',
  'persona.list.tag.imported': 'imported',
  'persona.list.tag.default': 'default',
  'persona.list.tag.active': 'talking now',
  'persona.list.prev': 'Previous',
  'persona.list.next': 'Next',
  'persona.show.source.builtin': 'Built in',
  'persona.show.source.guild': 'Imported into this server',
  'persona.show.language': 'Language',
  'persona.show.voice': 'Voice',
  'persona.show.source': 'Source',
  'persona.show.greeting': 'Greeting',
  'persona.show.style': 'Speaking style',
  'persona.show.pace': 'Pace',
  'persona.show.use': 'Use it: `/join persona:{id}` or `/persona set persona:{id}`',
  'persona.set.noSession':
    'No persona is in a voice channel right now. Use `/join persona:{id}` to start with {persona}.',
  'persona.set.already': '{persona} is already the active persona.',
  'persona.set.endedMeanwhile':
    'The session ended (someone used `/leave`) before the switch to {persona} finished. Use `/join persona:{id}` to start with {persona}.',
  'persona.set.done': '🎭 Switched to **{persona}**.',
  'persona.set.notice':
    '🎭 {user} switched the character to **{persona}** (still an AI). The conversation continues; `/voice optout` if you’d rather not be heard.',
  'persona.set.noticeNewVoice':
    '🎭 {user} switched the character to **{persona}** (still an AI), with a new voice: the model reconnected with the conversation so far. `/voice optout` if you’d rather not be heard.',
  'persona.import.tooLarge':
    'That file is {size} KiB; cards may be at most {max} KiB. Export a smaller PNG or the JSON card.',
  'persona.import.largerThanSaid':
    'That file is larger than Discord said; cards may be at most {max} KiB. Export a smaller PNG or the JSON card.',
  'persona.import.downloadFailed': 'Could not download the attachment from Discord. Try uploading it again.',
  'persona.import.badFile': 'That file cannot be a character card: {reason}',
  'persona.import.notACard':
    'That is not a usable Character Card (SillyTavern V1, V2 or V3): {reason}. Export it again as JSON or PNG from SillyTavern.',
  'persona.import.done':
    '📥 Imported **{persona}** as `{id}` (voice `{voice}`, {language}). Only this server can use it: `/join persona:{id}`.',
  'persona.import.unchanged':
    '**{persona}** is already imported as `{id}`; nothing changed. `/join persona:{id}` to use it.',
  'persona.import.doneBesides':
    '📥 Imported **{persona}** as `{id}` (voice `{voice}`, {language}): `{wanted}` is already taken by **{existing}**, which is unchanged. Only this server can use it: `/join persona:{id}`. To replace `{wanted}` instead, import again with `replace:True`.',
  'persona.import.replaced':
    '📥 Replaced `{id}` (was **{existing}**) with **{persona}** (voice `{voice}`, {language}).',
  'persona.import.replacedLive':
    '{existing} is talking right now in <#{channel}> and keeps the old card until `/persona set persona:{id}` or the next `/join`.',
  'persona.import.voiceWarning':
    '⚠️ `{voice}` is not a StepFun voice id I know. Fine for a cloned voice; otherwise did you mean `{closest}`?',
  'persona.import.voiceWarningNoGuess':
    '⚠️ `{voice}` is not a StepFun voice id I know. Fine for a cloned voice; otherwise check the spelling.',
  'persona.remove.builtin': '`{id}` is built in and cannot be removed; only imported personas can.',
  'persona.remove.talking': '{persona} is talking right now. Switch persona or `/leave` first.',
  'persona.remove.done': '🗑️ Removed **{persona}** (`{id}`) from this server.',

  // ---- /voice ---------------------------------------------------------------------------------
  'voice.optout.done':
    '🔇 Done: your voice will not be sent to the persona on this server (effective immediately). `/voice optin` undoes it.',
  'voice.optin.done': '🔊 Done: the persona can hear you again on this server. `/voice optout` to stop.',
  'voice.reset.endedMeanwhile': 'The session ended before the reset finished.',
  'voice.reset.done': '🧹 {persona} forgot this conversation.',
  'voice.reset.notice': '🧹 {user} reset the conversation: **{persona}** forgot everything said so far.',
  'voice.status.none': 'No active voice session. Start one with `/join`.',
  'voice.status.title': '🎙️ {persona} is listening',
  'voice.status.session': 'Session',
  'voice.status.sessionValue': '{age} · model {state}',
  'voice.status.audio': 'Model audio this session',
  'voice.status.audioValue': '{in} s in · {out} s out',
  'voice.status.today': 'Today',
  'voice.status.todayCap': '{used} of {cap} min used',
  'voice.status.todayNoCap': '{used} min used (no daily cap)',
  'voice.status.heard': 'Heard',
  'voice.status.nobody': 'nobody yet',
  'voice.status.speaking': 'speaking',
  'voice.status.optedOut': 'opted out, not heard',
  'voice.status.packets': '{count} packets',
  'voice.status.corrupt': '{count} corrupt',
  'voice.status.latency': 'Latency of the last turns (ms)',
  'voice.status.latencyHead': 'speaker          end→commit  commit→audio  audio→packet  total',
  'voice.status.noTurns': 'No turns yet.',
  'voice.status.lastEnd': 'Last session end (admins only)',
  'voice.status.lastEndValue': '{when}: {reason}',
  'voice.status.e2ee': 'Encryption',
  'voice.status.e2eeUnknown': 'unknown',
  'voice.status.e2eeTransport': 'transport only (this call is not end-to-end encrypted)',
  'voice.status.e2eeSettingUp': 'end-to-end (DAVE v{version}) being set up; I stay silent until it is',
  'voice.status.e2eeReady': 'end-to-end (DAVE v{version}) · epoch {epoch} · privacy code {code}',

  // ---- /settings ----------------------------------------------------------------------------
  'settings.current': '⚙️ Current settings',
  'settings.saved': '✅ Saved',
  'settings.defaultPersona': '• Default persona: **{persona}** `{id}`',
  'settings.transcriptsIn': '• Transcripts: on, in <#{channel}>',
  'settings.transcriptsVoiceChat': '• Transcripts: on, in the voice channel chat',
  'settings.transcriptsOff': '• Transcripts: off',
  'settings.cap': '• Daily cap: {minutes} min',
  'settings.capNone': '• Daily cap: unlimited',
  'settings.switchRole': '• Persona switching: <@&{role}> and admins',
  'settings.switchEveryone': '• Persona switching: everyone',
  'settings.cannotHoldMessages': '{name} cannot hold messages. Pick a text channel.',
  'settings.minutesRange': 'Minutes must be between 0 (unlimited) and 1440.',
  'settings.vad':
    '• Voice detection: turn-ending silence {silence} · padding before speech {padding} · energy threshold {energy}',
  'settings.vadDefault': 'default',
  'settings.vadRange':
    'Silence must be 100–10000 ms, padding 0–5000 ms and the energy threshold between 0 and 1.',
  'settings.vadUnsupported': 'The voice model in use does not take these values: {problems}',
  'settings.vadNextJoin':
    'The session running now keeps its voice detection; the new values apply from the next `/join`.',

  // ---- usage, session ends (public, in the server's language) -------------------------------
  'usage.capRefusal':
    'Today’s voice limit for this server ({cap} min) is used up. It resets at 00:00 UTC (in {resetIn}); an admin can raise it with `/settings cap`.',
  'usage.capLeft':
    '⏹️ This server’s daily voice limit ({cap} min) is used up, so {persona} left and is no longer listening. It resets at 00:00 UTC (in {resetIn}). An admin can raise it with `/settings cap`.',
  'ended.notice':
    '⚠️ The voice session ended: {persona} stopped listening because {why}. Use `/join` to start again.',
  'ended.someone': 'the character',
  'model.credentials':
    'the voice model service refused this bot’s access; whoever runs the bot has the details in its log',
  'model.quota':
    'this bot has used up its allowance with the voice model service; whoever runs the bot has the details in its log',
  'model.rate':
    'the voice model service is limiting how much this bot may use it right now; try `/join` again in a few minutes',
  'model.unavailable':
    'the voice model this bot is set up for is not available; whoever runs the bot has the details in its log',
  'model.unreachable': 'I could not reach the voice model service; try `/join` again in a minute',
  'model.other':
    'the voice model service stopped with an error; try `/join` again; whoever runs the bot has the details in its log',
  'ended.kicked': 'I was disconnected from the voice channel (moved, kicked, or the channel was deleted)',
  'ended.daveRequired':
    'Discord requires end-to-end encrypted voice here and my connection could not set it up; whoever runs the bot may need to update it',
  'ended.storm':
    'Discord refused the voice connection {count} times in a row; wait a minute before trying again',
  'ended.gatewayLost': 'I lost my connection to Discord and could not get back within a minute',
  'ended.leaseLost':
    'this instance of the bot lost its claim on this server’s voice session (another instance took over, or its database could not be reached)',
  'ended.disconnected': 'the voice connection dropped and could not be restored',
  'ended.rateLimited':
    'Discord rate-limited my voice connection, so I stopped instead of retrying; wait a few minutes before `/join`',
  'ended.callTerminated':
    'Discord ended my voice call (the channel was deleted, I was removed, or its voice server changed)',
  'ended.e2eeGaveUp':
    'I could not decrypt what anyone here said, even after joining again with new encryption keys, so I left; if it keeps happening, tell whoever runs the bot',
  'ended.e2eeRejoinFailed':
    'I left and rejoined to renew the call’s encryption keys, but could not get back in',
  'ended.modelError': 'the connection to the voice model failed (server admins see why in `/voice status`)',
  'leave.someone': 'The character',
  'duration.hm': '{h} h {m} min',
  'duration.m': '{m} min',
  'elapsed.s': '{s} s',
  'elapsed.ms': '{m} min {s} s',
} as const;

export type MessageKey = keyof typeof EN;
