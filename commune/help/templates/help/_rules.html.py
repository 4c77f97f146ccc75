BBBB BBBBXXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXX gettext(u'The rules of neighbourhood help') XXXXX
  XXXX
    XXXX gettext(u'Help is free: never ask for or give money, bank details or personal documents.') XXXXX
    XXXX gettext(u'Do not write your address or phone number in a post: share them only when you both agree.') XXXXX
    XXXX gettext(u'Be kind and keep your word; if you cannot come, say so in time.') XXXXX
    XXXX gettext(u"Something wrong? Tell the town's coordinator.") XXXXX
  XXXXX
XXXXXXXXXX
