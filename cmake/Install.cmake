# Installing and packaging. `cmake --install build` lays out the programs, the desktop entry, the
# icons and the AppStream metadata under the GNU directories; `cpack -G DEB` in build/ makes a Debian
# package of the same files. Headless builds (no moco-workbench) install moco-train only.
include(GNUInstallDirs)

install(TARGETS moco-train RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(NOT TARGET moco-workbench)
  return()
endif()

set(MOCO_APP_ID io.github.mocoworkbench.MocoWorkbench)  # the desktop file's and AppStream's id
set(MOCO_RESOURCES ${PROJECT_SOURCE_DIR}/resources)
install(TARGETS moco-workbench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${MOCO_RESOURCES}/${MOCO_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${MOCO_RESOURCES}/${MOCO_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${MOCO_RESOURCES}/icons/moco-workbench.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 32 48 64 128 256)  # the sizes resources/icons/render-icons.sh renders
  install(FILES ${MOCO_RESOURCES}/icons/hicolor/${size}x${size}/apps/moco-workbench.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()

# Debian wants the licence beside every package, pointing at the system's copy of the GPL.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/copyright
  "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
  "Upstream-Name: moco-workbench\n\n"
  "Files: *\nCopyright: The MoCo Workbench developers\nLicense: GPL-3.0-or-later\n"
  " On Debian systems the full text of the GNU General Public License version 3 is in\n"
  " /usr/share/common-licenses/GPL-3.\n")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/moco-workbench)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME moco-workbench)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The MoCo Workbench developers")
set(CPACK_PACKAGE_CONTACT "MoCo Workbench <dev@moco-workbench.local>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Train MoCo self-supervised image models and watch them learn")
set(CPACK_PACKAGE_DESCRIPTION "MoCo Workbench trains Momentum Contrast (MoCo v1/v2) image models
on a background thread and plots live the loss, the queue's key ages and
consistency, kNN and linear-probe accuracy, augmented pairs, t-SNE maps and
nearest neighbours. moco-train is the same engine on the command line.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/COPYING)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # moco-workbench_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://github.com/mocoworkbench/moco-workbench)
# The shared libraries' packages come from dpkg-shlibdeps (package dpkg-dev). Qt's platform and SVG
# plugins and the BLAS are loaded at run time, which dpkg-shlibdeps cannot see: LibTorch falls back
# to the slow reference BLAS without OpenBLAS, and the icons need Qt's SVG icon engine.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread, qt6-qpa-plugins, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
include(CPack)
