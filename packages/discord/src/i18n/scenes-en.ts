// English texts of scenes (/scene), character cards (/persona import's voice and warnings,
// /persona edit) and scene memory (/voice forget, /settings memory). Every key must exist in
// scenes-zh-cn.ts with the same {placeholders} (i18n.test.ts checks).
export const EN_SCENES = {
  'action.sceneSettings': 'change a channel’s scene settings',
  'action.editPersona': 'edit personas',
  'action.forget': 'erase scene memory',
  'error.forgetNeedsRole':
    'Erasing a channel’s scene memory needs Manage Server or the <@&{role}> role. Ask an admin.',

  // ---- /scene ---------------------------------------------------------------------------------
  'scene.noSession':
    'No character is in a voice channel on this server. Start with `/join`, then add others with `/scene add`.',
  'scene.noChannel': 'Name a voice channel with `channel:`, or join one first.',
  'scene.add.done': '🎭 **{persona}** joined the scene in <#{channel}>.',
  'scene.add.waiting':
    '🎭 **{persona}** joined the scene in <#{channel}>, but every voice model session this bot may use is busy: {persona} speaks as soon as one is free.',
  'scene.add.failed':
    '🎭 **{persona}** joined the scene in <#{channel}>, but could not connect to the voice model yet; it tries again when it is addressed.',
  'scene.add.notice':
    '🎭 {user} added **{persona}** to this scene (an AI character too). Call a character by name to choose who answers.',
  'scene.full':
    'The scene already has {count} characters, the most this bot allows. Remove one first with `/scene remove`.',
  'scene.already': '{persona} is already in the scene.',
  'scene.nameTaken':
    'A character named {persona} is already in the scene: two characters with one name could not be told apart. Edit the name with `/persona edit`.',
  'scene.absent': '{persona} is not in the scene. `/scene list` shows who is.',
  'scene.last': '{persona} is the only character here. Use `/leave` to end the session.',
  'scene.inScene':
    'This channel plays a scene of several characters: change who is in it with `/scene add` and `/scene remove`.',
  'scene.remove.done': '👋 **{persona}** left the scene in <#{channel}>.',
  'scene.remove.notice': '👋 {user} removed **{persona}** from this scene.',
  'scene.list.title': '🎭 Who plays in <#{channel}>',
  'scene.list.lead': 'lead',
  'scene.list.live': 'connected',
  'scene.list.idle': 'connects when needed',
  'scene.list.solo': 'One character, answering everyone directly. `/scene add` makes this a scene.',
  'scene.list.mode': 'Mode: **{mode}**',
  'scene.list.addressedOnly':
    'Addressed-only: characters answer only when called by name (or when one person is here).',
  'scene.list.everyone': 'Turns nobody addresses by name are answered by the mode.',
  'scene.list.sessions': 'Model sessions: {live} of {limit} for this scene',
  'scene.list.process': '{used} of {max} for the whole bot',
  'scene.list.cast': 'Characters: at most {max}',
  'scene.mode.lead': 'lead (the lead character answers)',
  'scene.mode.round-robin': 'round-robin (characters take turns)',
  'scene.mode.natural': 'natural (the talkative speak up more)',
  'scene.mode.done': 'The mode in <#{channel}> is now **{mode}**.',
  'scene.mode.notice': '🎭 {user} set this scene’s mode to **{mode}**.',
  'scene.next.done': '▶️ Asked **{persona}** to speak.',
  'scene.next.doneAny': '▶️ Asked the next character to speak.',
  'scene.next.nobody':
    'Nobody can be asked to speak right now: the character is not in the scene, or the session is ending.',
  'scene.addressedOnly.on': 'on',
  'scene.addressedOnly.off': 'off',
  'scene.addressedOnly.done': 'Addressed-only is now **{state}** in <#{channel}>.',
  'scene.addressedOnly.noticeOn':
    '🎭 {user} set this channel to addressed-only: characters answer only when called by name (or when one person is here).',
  'scene.addressedOnly.noticeOff': '🎭 {user} turned addressed-only off: characters answer every turn again.',
  'join.noModelSession':
    'All {limit} voice model sessions this bot may hold at once are in use (other channels are talking). Try again when one ends; whoever runs the bot can raise the limit if their StepFun plan allows more.',

  // ---- cards: /persona import voice, warnings, /persona edit ------------------------------------
  'persona.voice.invalid':
    '{voice} is not a voice id: use letters, digits, dots, dashes or underscores (at most 64), e.g. `wenrounansheng` or a cloned voice id.',
  'persona.import.voiceSuggested':
    '🎙️ Voice `{voice}`, suggested from the card ({evidence}). Change it with `/persona edit persona:{id} voice:`.',
  'persona.import.voiceGuessed':
    '🎙️ Voice `{voice}`: the card says nothing that hints at a voice. Change it with `/persona edit persona:{id} voice:`.',
  'persona.import.warnings': '⚠️ Ignored or cut while importing (only you see this):\n{warnings}',
  'persona.edit.builtin': '`{id}` is built in and cannot be edited; import a card to make your own.',
  'persona.edit.nothing': 'Say what to change: `voice`, `greeting` or `name`.',
  'persona.edit.badName': 'A name needs 1 to 80 visible characters.',
  'persona.edit.badGreeting': 'A greeting needs 1 to 1000 visible characters.',
  'persona.edit.done': '✏️ Updated **{persona}** (`{id}`): {changes}.',
  'persona.edit.voice': 'voice `{voice}`',
  'persona.edit.greeting': 'greeting (said on every join from now on)',
  'persona.edit.name': 'name (was {old})',
  'persona.edit.live':
    '{persona} is talking right now in <#{channel}> and keeps the old version until `/persona set persona:{id}` or the next `/join`.',
  'voice.choice.suggested': 'suggested for {persona}',
  'voice.choice.cloned': 'cloned voice',
  'voice.choice.inUse': 'used by {persona}',

  // ---- scene memory ---------------------------------------------------------------------------
  'join.noticeMemory':
    'The characters remember what is said here, as text, for {days} days (`/voice forget` erases it; `/voice optout` erases yours).',
  'voice.forget.done': '🧹 Erased the scene memory of <#{channel}> ({count} lines).',
  'voice.forget.notice': '🧹 {user} erased what the characters remembered of this channel.',
  'voice.forget.none': 'This bot stores no scene memory, so there is nothing to erase.',
  'voice.optout.erased':
    'What you said in this server’s scenes was erased from their memory ({count} lines).',
  'settings.memory': '• Scene memory: kept {days} days',
  'settings.memoryOff': '• Scene memory: off (nothing said in voice is kept)',
  'settings.memoryNone': '• Scene memory: not stored by this bot',
  'settings.memoryUnavailable':
    'This bot stores no scene memory (whoever runs it has not set it up), so there is no retention to set.',
  'settings.daysRange': 'Days must be between 0 (keep nothing) and 365.',
} as const;
