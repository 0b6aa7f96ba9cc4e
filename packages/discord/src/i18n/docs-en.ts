// English /help and /privacy. The privacy statement must stay true to the code: what leaves the
// bot (voice/channel-session.ts, realtime-core), what the store keeps (@troupe/store's migrations,
// scene lines included: memory/store-scene-memory.ts, voice/cast-memory.ts), what
// transcripts post (transcripts/), and what the operator's logs hold (logger.ts).
export const EN_DOCS = {
  'help.title': 'Troupe: roleplay characters in voice',
  'help.intro':
    'Join a voice channel and type `/join`: a character joins and answers everyone by voice, in Chinese or English. It is an AI; everyone in the channel is told so, and anyone can opt out with `/voice optout`.',
  'help.commands': 'Commands',
  'help.admins': 'For server admins',
  'help.footer': '/privacy: what is sent where, what is stored, how to delete it',

  'privacy.title': 'Privacy: what Troupe does with your voice',
  'privacy.intro':
    'Troupe puts an AI character into a voice channel. Whenever it is in a channel, a notice in the channel chat says so.',
  'privacy.sent.title': 'What is sent where',
  'privacy.sent.body':
    'While a character is in a voice channel, the audio of everyone there who has not opted out is streamed live to StepFun’s realtime speech model (StepAudio) so the character can answer, together with each speaker’s server display name (as a label such as [Alice]) and the character’s instructions. StepFun sends back the spoken reply and a text transcript. StepFun’s own terms and privacy policy cover what it does with that data.',
  'privacy.optout.title': 'Opting out',
  'privacy.optout.body':
    '`/voice optout` (per server, effective at once): your audio is dropped inside the bot and never forwarded, and your name is not sent. `/voice optin` undoes it. You can also simply leave the channel or mute yourself.',
  'privacy.stored.title': 'What the bot stores',
  'privacy.stored.body':
    'In its database, per server: the settings admins chose, personas admins imported (with the importing admin’s user id), minutes of voice used per day (per server, not per person), the user ids of members who opted out, and which channel and persona are active (to rejoin after a crash). When whoever runs the bot has set up scene memory, also the text of what was said in voice (the speech model’s transcript), per voice channel and character: each line with its speaker’s display name and user id (or the character’s) and its time, so a character remembers the scene when it comes back. Never a line of a member who opted out, and never audio.',
  'privacy.memory.title': 'Kept only while a session runs',
  'privacy.memory.body':
    'The text of the recent conversation (at most 60 turns per character, and a scene’s last 200 lines), so characters can carry on after a dropped connection and a character joining a scene knows what was said. It is discarded when the session ends, or on `/voice reset`.',
  'privacy.transcripts.title': 'Transcripts (off unless an admin turns them on)',
  'privacy.transcripts.body':
    'With `/settings transcripts`, the text of what is said is posted into a channel of this server. Those messages are ordinary Discord messages: Discord keeps them until someone deletes them.',
  'privacy.logs.title': 'Logs',
  'privacy.logs.body':
    'The operator’s logs record server, channel and user ids, commands and errors for troubleshooting; never audio. How long logs are kept is up to whoever runs the bot.',
  'privacy.delete.title': 'Retention and deletion',
  'privacy.delete.body':
    'Scene memory is kept for the server’s retention (30 days unless an admin sets another with `/settings memory`; 0 keeps nothing) and deleted after it. `/voice forget` (admins, or the persona-switch role) erases a channel’s scene memory at once; `/voice optout` stops your audio and erases every line you said in this server’s scenes; `/voice optin` deletes your opt-out record. Admins delete imported personas with `/persona remove` and change settings with `/settings`. Removing the bot from the server deletes everything it stored about the server. For anything else, contact whoever runs this bot.',
} as const;
